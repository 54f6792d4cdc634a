import { Inject, Injectable } from '@nestjs/common';
import { EventStoreDBClient, START } from '@eventstore/db-client';
import type { NodeEvent } from '@libs/domain';
import { drain, fromResolvedEvent, streamName } from '@libs/eventstore';
import { GridDoc, NodeDoc, nodeDocAfter, nodeDocCreated } from '@libs/read-model';
import { ReadModels } from '../platform/read-models';
import { nodeId } from './node-finder';

/**
 * The node as a command left it. Read-your-writes waits for the projector only for a bounded time
 * (docs/architecture.md), so when the read model is still behind the command's revision, the events it has
 * not applied yet are read from the node's stream and applied with the projector's own functions: the
 * answer is the document the projector is about to write (peer ips aside, which need the other nodes).
 */
@Injectable()
export class NodeAfter {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(EventStoreDBClient) private readonly client: EventStoreDBClient,
  ) {}

  async get(grid: GridDoc, name: string, revision: bigint | undefined): Promise<NodeDoc> {
    const id = nodeId(grid.name, name);
    const stream = streamName('node', id);
    const reader = this.readModels.reader;
    const { doc, revision: projected } = await reader.docAt<NodeDoc>('node', id, stream);
    if (doc && (revision === undefined || (projected !== undefined && projected >= revision))) return doc;

    let current = doc && projected !== undefined ? doc : undefined;
    const from = current ? projected! + 1n : START;
    for (const resolved of await drain(this.client.readStream(stream, { fromRevision: from }))) {
      const envelope = fromResolvedEvent(resolved);
      if (!envelope || (revision !== undefined && envelope.revision > revision)) continue;
      const event = envelope.event as NodeEvent;
      const at = envelope.metadata.occurredAt;
      if (event.type === 'NodeCreated') current = nodeDocCreated(event, grid, at);
      else if (event.type === 'NodeRemoved') current = undefined;
      else if (current) current = nodeDocAfter(current, event, at);
    }
    if (!current) throw new Error(`node ${id} does not exist after the command`);
    return current;
  }
}
