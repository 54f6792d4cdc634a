import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { MasterConfig } from '../master-config';

/** Kontena's filter: `prefix*` matches keys starting with `prefix`, anything else keys containing it (config_api.rb). */
function matcher(filter: string | undefined): (key: string) => boolean {
  if (!filter) return () => true;
  if (filter.endsWith('*')) {
    const prefix = filter.replace(/\*/g, '');
    return (key) => key.startsWith(prefix);
  }
  return (key) => key.includes(filter);
}

@ApiTags('config')
@Controller('v1/config')
export class GetConfigHttp {
  constructor(private readonly config: MasterConfig) {}

  @Get()
  @Roles('master_admin')
  @ApiOperation({ summary: 'The configuration as a flat hash, keys sorted (master_admin)' })
  @ApiQuery({
    name: 'filter',
    required: false,
    description: '`prefix*` for keys starting with prefix, else a substring',
  })
  async get(@Ctx() ctx: RequestContext, @Query('filter') filter?: string) {
    const { values, revision } = await this.config.snapshot();
    ctx.outcome = { revision };
    const wanted = matcher(typeof filter === 'string' ? filter : undefined);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(values).filter(wanted).sort()) {
      Object.defineProperty(out, key, {
        value: values[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
}
