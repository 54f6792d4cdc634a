import type { RegistryDoc } from '@libs/read-model';

/** Sealed with the grid key and bound to this registry (DESIGN.md §7). */
export const registryPasswordPurpose = (grid: string, name: string) => `registry-password:${grid}/${name}`;

/** Kontena's external registry JSON (`views/v1/external_registries/_registry.json.jbuilder`): never the password. */
export function renderRegistry(doc: RegistryDoc): Record<string, unknown> {
  return { id: doc.id, name: doc.name, url: doc.url, username: doc.username, email: doc.email };
}
