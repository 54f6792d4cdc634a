import { Injectable, Logger } from '@nestjs/common';
import {
  ClaimNodeNumberInput,
  findNodeClaim,
  gridDecider,
  GridEvent,
  GridState,
  isInitialMember,
  NodeClaim,
  nodeDecider,
  NodePlacement,
  overlayIp,
  SealedValue,
} from '@libs/domain';
import { AggregateCommandHandler, CommandOutcome, streamName } from '@libs/eventstore';
import type { GridDoc } from '@libs/read-model';
import type { RequestContext } from '../common/http/request-context';
import { CommandExecutor } from '../platform/command-executor';
import { nodeId } from './node-finder';
import { NodeTokens } from './node-tokens';

/**
 * How a node joins its grid: claim a number (and a unique name) on the grid stream, then create the node
 * stream with it (node-claims.ts explains why). A creation that fails after its claim gives the number back,
 * unless the node exists after all.
 */
@Injectable()
export class NodeEnrolment {
  private readonly logger = new Logger(NodeEnrolment.name);

  constructor(
    private readonly executor: CommandExecutor,
    private readonly handler: AggregateCommandHandler,
    private readonly tokens: NodeTokens,
  ) {}

  /** POST /v1/grids/:grid/nodes: the name must be free (kontena-behaviour.md §2 Nodes create). */
  async create(
    ctx: RequestContext,
    grid: GridDoc,
    input: { name: string; labels: string[]; token: SealedValue; token_hash: string },
  ): Promise<{ claim: NodeClaim; revision: bigint | undefined }> {
    const { claim, appended } = await this.seat(ctx, grid, {
      node: input.name,
      agent_node_id: null,
      rename_on_conflict: false,
      node_exists: await this.exists(grid.name, input.name),
    });
    const created = await this.compensating(ctx, grid, claim, appended, () =>
      this.executor.execute(ctx, nodeStream(grid.name, claim.node), nodeDecider, {
        type: 'CreateNode',
        data: {
          ...placement(grid, claim),
          labels: input.labels,
          token: input.token,
          token_hash: input.token_hash,
        },
      }),
    );
    return { claim, revision: created.revision };
  }

  /**
   * An unknown agent with the grid token: its node is created under the name it sent, or `<name>-<node_number>`
   * when that is taken (§7), with `token` as its node token. Racing registrations of the same agent end with
   * one node (and the token of the first).
   */
  async register(
    ctx: RequestContext,
    grid: GridDoc,
    input: { name: string; labels: string[]; agent_node_id: string; token: string },
  ): Promise<{ claim: NodeClaim; created: boolean }> {
    const { claim, appended } = await this.seat(ctx, grid, {
      node: input.name,
      agent_node_id: input.agent_node_id,
      rename_on_conflict: true,
      node_exists: await this.exists(grid.name, input.name),
    });
    // The agent already had a seat and its node exists (bound through its node token, or a racing request
    // finished first): connecting decides whether it may use it.
    if (!appended && (await this.exists(grid.name, claim.node))) return { claim, created: false };
    const outcome = await this.compensating(ctx, grid, claim, appended, () =>
      this.executor.execute(ctx, nodeStream(grid.name, claim.node), nodeDecider, {
        type: 'RegisterAgentNode',
        data: {
          ...placement(grid, claim),
          labels: input.labels,
          agent_node_id: input.agent_node_id,
          // Sealed for the name the claim settled on, which may be the renamed one.
          ...this.tokens.seal(grid, claim.node, input.token),
        },
      }),
    );
    return { claim, created: outcome.events.length > 0 };
  }

  /** Gives a removed node's number back (its node stream already says removed). */
  release(ctx: RequestContext, grid: string, node: string): Promise<CommandOutcome<GridState, GridEvent>> {
    return this.executor.execute(ctx, streamName('grid', grid), gridDecider, {
      type: 'ReleaseNodeNumber',
      data: { node },
    });
  }

  private async seat(
    ctx: RequestContext,
    grid: GridDoc,
    request: ClaimNodeNumberInput,
  ): Promise<{ claim: NodeClaim; appended: boolean }> {
    const outcome = await this.executor.execute(ctx, streamName('grid', grid.name), gridDecider, {
      type: 'ClaimNodeNumber',
      data: request,
    });
    const claim =
      outcome.state.status === 'active' ? findNodeClaim(outcome.state.node_claims, request) : undefined;
    if (!claim) throw new Error(`grid ${grid.name} has no claim for node ${request.node} after claiming it`);
    return { claim, appended: outcome.events.length > 0 };
  }

  private async compensating<T>(
    ctx: RequestContext,
    grid: GridDoc,
    claim: NodeClaim,
    appended: boolean,
    create: () => Promise<T>,
  ): Promise<T> {
    try {
      return await create();
    } catch (error) {
      if (appended && !(await this.exists(grid.name, claim.node))) {
        await this.release(ctx, grid.name, claim.node).catch((releaseError: unknown) =>
          // The claim stays and is reused by the next creation of this name (node-claims.ts).
          this.logger.warn(
            { err: releaseError, grid: grid.name, node: claim.node },
            'could not give back the node number of a failed creation',
          ),
        );
      }
      throw error;
    }
  }

  /** Read from the event store, not the read model: this decides whether a claim is stale. */
  private async exists(grid: string, name: string): Promise<boolean> {
    return (await this.handler.load(nodeStream(grid, name), nodeDecider)).status === 'active';
  }
}

export const nodeStream = (grid: string, name: string) => streamName('node', nodeId(grid, name));

function placement(grid: GridDoc, claim: NodeClaim): NodePlacement {
  return {
    grid: grid.name,
    name: claim.node,
    node_number: claim.number,
    initial_member: isInitialMember(claim.number, grid.initial_size),
    overlay_ip: overlayIp(grid.subnet, claim.number),
  };
}
