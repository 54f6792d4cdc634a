import { Injectable } from '@nestjs/common';
import { NotFound, NULL_STACK } from '@libs/domain';
import type { GridDoc, StackDoc } from '@libs/read-model';
import { GridAccess } from '../common/auth/grid-access';
import { DomainException } from '../common/http/errors';
import type { Principal } from '../common/http/request-context';
import { ReadModels } from '../platform/read-models';

/**
 * A stack route's grid and stack: grid membership first (404 / 403), then the stack, 404 with an empty
 * object for an unknown one (`halt_request(404)`). The `null` stack exists in every grid but has no
 * document: it is answered as `stack: null`.
 */
@Injectable()
export class StackLookup {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
  ) {}

  async find(
    user: Principal,
    grid: string,
    name: string,
  ): Promise<{ grid: GridDoc; stack: StackDoc | null }> {
    const gridDoc = await this.access.member(user, grid);
    if (name === NULL_STACK) return { grid: gridDoc, stack: null };
    const stack = await this.readModels.reader.doc<StackDoc>('stack', `${grid}/${name}`);
    if (!stack) throw new DomainException(new NotFound('Not found', {}));
    return { grid: gridDoc, stack };
  }

  /** As `find`, refusing the `null` stack with Kontena's message for the action. */
  async findOwn(
    user: Principal,
    grid: string,
    name: string,
    refusal: () => DomainException,
  ): Promise<{ grid: GridDoc; stack: StackDoc }> {
    const found = await this.find(user, grid, name);
    if (!found.stack) throw refusal();
    return { grid: found.grid, stack: found.stack };
  }
}
