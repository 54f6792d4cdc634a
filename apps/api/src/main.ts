import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { InvalidEnvironmentError } from '@libs/config';
import { createLogger } from '@libs/logging';
import { waitForRedisLogged } from '@libs/redis';
import { AppModule } from './app.module';
import { loadApiConfig } from './config';
import { VERSION } from './version';

async function bootstrap(): Promise<void> {
  const config = loadApiConfig();
  // Started before its Redis (a machine booting), the api waits and says so rather than dying on its first read.
  const logger = createLogger('api');
  await waitForRedisLogged(config.REDIS_URL, logger);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.create(config), { bufferLogs: true, bodyParser: false, forceCloseConnections: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.useBodyParser('json', { limit: '2mb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
  // body-parser's failures are answered here, before Nest re-wraps them and loses their type.
  app.use((error: { type?: string } | undefined, _req: Request, res: Response, next: NextFunction) => {
    if (error?.type === 'entity.parse.failed') return res.status(400).json({ error: 'Invalid json' });
    if (error?.type === 'entity.too.large') return res.status(413).json({ error: 'Request entity too large' });
    if (error?.type === 'encoding.unsupported' || error?.type === 'charset.unsupported') return res.status(415).json({ error: 'Unsupported encoding' });
    next(error);
  });
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Kontena-Version', VERSION);
    next();
  });

  const openApi = new DocumentBuilder()
    .setTitle('Kontena Master API (event-sourced)')
    .setDescription('The Kontena Master API v1; every change is an event in EventStoreDB.')
    .setVersion(VERSION)
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'openapi.json',
    swaggerOptions: { persistAuthorization: true },
  });

  await app.listen(config.PORT, config.HOST);
  new NestLogger('bootstrap').log({ host: config.HOST, url: await app.getUrl() }, 'api listening');
}

bootstrap().catch((error: unknown) => {
  // A bad environment is the operator's to fix: say what, without a stack trace.
  if (error instanceof InvalidEnvironmentError) process.stderr.write(`api: ${error.message}\n`);
  else process.stderr.write(`api: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
