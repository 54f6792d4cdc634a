import { Injectable } from '@nestjs/common';
import type { GridDoc, UserDoc } from '@libs/read-model';
import { ReadModels } from '../../platform/read-models';
import { renderUser } from '../../users/user.view';

/** `{users:[…]}` of a grid (Kontena's `users/index` view over `grid.users`). */
@Injectable()
export class GridUsersView {
  constructor(private readonly readModels: ReadModels) {}

  async render(grid: GridDoc): Promise<{ users: ReturnType<typeof renderUser>[] }> {
    const docs = await this.readModels.reader.docs<UserDoc>('user', grid.users);
    return { users: docs.map(renderUser) };
  }
}
