import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFound } from '@libs/domain';
import { Roles } from '../../common/auth/decorators';
import { DomainException } from '../../common/http/errors';
import { MasterConfig } from '../master-config';

@ApiTags('config')
@Controller('v1/config')
export class GetConfigValueHttp {
  constructor(private readonly config: MasterConfig) {}

  @Get(':key')
  @Roles('master_admin')
  @ApiOperation({ summary: 'One configuration value as `{key: value}` (master_admin)' })
  async get(@Param('key') key: string) {
    const value = await this.config.value(key);
    if (value === undefined) throw new DomainException(new NotFound());
    const out: Record<string, unknown> = {};
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    return out;
  }
}
