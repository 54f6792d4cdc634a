import { SetMetadata } from '@nestjs/common';
import type { RoleName } from '@libs/domain';

export const PUBLIC_ROUTE = 'kontena:public';
export const REQUIRED_ROLES = 'kontena:roles';

/** No token needed; a token that is sent is still resolved (Kontena's `soft_exclude`). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Any of these roles is enough; master_admin always is (kontena-behaviour.md §8). */
export const Roles = (...roles: RoleName[]) => SetMetadata(REQUIRED_ROLES, roles);
