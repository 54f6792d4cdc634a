import type { TokenEvent } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import { Projection, ReadModelOp, ReadModelReader, TokenDoc, tokenLookups, userIndexes } from '@libs/read-model';
import { occurredAt, occurredMs, ops } from './projection-helpers';

/**
 * Tokens by id, found by hash (access, refresh, code). A spent or revoked token disappears entirely, as
 * Kontena destroys it, so authentication only ever sees usable tokens.
 */
export const tokensProjection: Projection = {
  name: 'tokens',
  async project(envelope: RecordedEnvelope, reader: ReadModelReader): Promise<ReadModelOp[]> {
    if (!envelope.streamName.startsWith('token-')) return [];
    const event = envelope.event as TokenEvent;
    const o = ops(reader.keys);

    if (event.type === 'AccessTokenIssued') {
      const d = event.data;
      const doc: TokenDoc = {
        id: d.id,
        kind: d.kind,
        user_id: d.user_id,
        user_email: d.user_email,
        scopes: d.scopes,
        description: d.description,
        token_last_four: d.token_last_four,
        refresh_token_last_four: d.refresh_token_last_four,
        expires_at: d.expires_at,
        created_at: occurredAt(envelope),
        token_hash: d.token_hash,
        refresh_token_hash: d.refresh_token_hash,
        code_hash: d.code_hash,
      };
      return [
        o.putDoc('token', d.id, doc),
        o.index(userIndexes.tokens(d.user_email), d.id, occurredMs(envelope)),
        ...(d.token_hash ? [o.link(tokenLookups.access, d.token_hash, d.id)] : []),
        ...(d.refresh_token_hash ? [o.link(tokenLookups.refresh, d.refresh_token_hash, d.id)] : []),
        ...(d.code_hash ? [o.link(tokenLookups.code, d.code_hash, d.id)] : []),
      ];
    }
    const id = envelope.streamName.slice('token-'.length);
    const doc = await reader.doc<TokenDoc>('token', id);
    if (!doc) return [];
    return [
      o.dropDoc('token', id),
      o.unindex(userIndexes.tokens(doc.user_email), id),
      ...(doc.token_hash ? [o.unlink(tokenLookups.access, doc.token_hash)] : []),
      ...(doc.refresh_token_hash ? [o.unlink(tokenLookups.refresh, doc.refresh_token_hash)] : []),
      ...(doc.code_hash ? [o.unlink(tokenLookups.code, doc.code_hash)] : []),
    ];
  },
};
