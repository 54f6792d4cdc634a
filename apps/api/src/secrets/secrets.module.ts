import { Module } from '@nestjs/common';
import { GridsModule } from '../grids/grids.module';
import { gridRemovalStep } from '../grids/remove-grid/remove-grid.handler';
import { CreateSecretHandler } from './create-secret/create-secret.handler';
import { CreateSecretHttp } from './create-secret/create-secret.http';
import { ListSecretsHttp } from './list-secrets/list-secrets.http';
import { ReadSecretHandler } from './read-secret/read-secret.handler';
import { ReadSecretHttp } from './read-secret/read-secret.http';
import { RemoveGridSecrets } from './remove-grid-secrets/remove-grid-secrets.step';
import { RemoveSecretHandler } from './remove-secret/remove-secret.handler';
import { RemoveSecretHttp } from './remove-secret/remove-secret.http';
import { SecretView } from './secret.view';
import { UpdateSecretHandler } from './update-secret/update-secret.handler';
import { UpdateSecretHttp } from './update-secret/update-secret.http';

/** The grid vault: secrets sealed with the grid's data key (kontena-behaviour.md §9, DESIGN.md §7). */
@Module({
  imports: [GridsModule],
  controllers: [ListSecretsHttp, CreateSecretHttp, ReadSecretHttp, UpdateSecretHttp, RemoveSecretHttp],
  providers: [
    SecretView,
    CreateSecretHandler,
    ReadSecretHandler,
    UpdateSecretHandler,
    RemoveSecretHandler,
    ...gridRemovalStep(RemoveGridSecrets),
  ],
})
export class SecretsModule {}
