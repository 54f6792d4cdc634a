import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AuthGuard } from './common/auth/auth.guard';
import { AgentDataModule } from './agent-data/agent-data.module';
import { GridGuard } from './common/auth/grid.guard';
import { CertificatesModule } from './certificates/certificates.module';
import { KontenaBodyPipe } from './common/http/kontena-body.pipe';
import { KontenaExceptionFilter } from './common/http/kontena-exception.filter';
import { OutcomeHeadersInterceptor } from './common/http/outcome-headers.interceptor';
import { AuditLogModule } from './audit-log/audit-log.module';
import { ApiConfig } from './config';
import { ConfigApiModule } from './config-api/config-api.module';
import { ContainersModule } from './containers/containers.module';
import { EventLogsModule } from './event-logs/event-logs.module';
import { GridUsersModule } from './grids/grid-users/grid-users.module';
import { GridsModule } from './grids/grids.module';
import { httpLogging } from './logging';
import { NodesModule } from './nodes/nodes.module';
import { OAuth2Module } from './oauth2/oauth2.module';
import { PlatformModule } from './platform/platform.module';
import { ServicesModule } from './services/services.module';
import { StacksModule } from './stacks/stacks.module';
import { RegistriesModule } from './registries/registries.module';
import { SecretsModule } from './secrets/secrets.module';
import { SystemModule } from './system/system.module';
import { UsersModule } from './users/users.module';
import { VolumesModule } from './volumes/volumes.module';

@Module({})
export class AppModule {
  static create(config: ApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(httpLogging()),
        PlatformModule.forRoot(config),
        CqrsModule.forRoot(),
        // Only the token and authenticate endpoints opt in (kontena-behaviour.md §1 Rack::Attack: 60 per minute per IP).
        ThrottlerModule.forRoot([{ ttl: 60_000, limit: config.TOKEN_RATE_LIMIT }]),
        SystemModule,
        UsersModule,
        OAuth2Module,
        GridsModule,
        NodesModule,
        ServicesModule,
        ContainersModule,
        StacksModule,
        GridUsersModule,
        ConfigApiModule,
        AuditLogModule,
        SecretsModule,
        RegistriesModule,
        VolumesModule,
        AgentDataModule,
        CertificatesModule,
        EventLogsModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        // After authentication, before any pipe: grid access is decided before the body is looked at.
        { provide: APP_GUARD, useClass: GridGuard },
        { provide: APP_FILTER, useClass: KontenaExceptionFilter },
        { provide: APP_PIPE, useClass: KontenaBodyPipe },
        { provide: APP_INTERCEPTOR, useClass: OutcomeHeadersInterceptor },
      ],
    };
  }
}
