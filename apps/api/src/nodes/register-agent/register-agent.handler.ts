import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AgentCredential, AgentRefused, gridDecider, nodeDecider, ValidationFailed } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { NodeDoc, nodeLookups } from '@libs/read-model';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { AgentCredentials } from '../agent-credentials';
import { AgentRequestContext } from '../agent-request-context';
import { NodeAfter } from '../node-after';
import { NodeEnrolment } from '../node-enrolment';
import { NodeTokens } from '../node-tokens';
import { nodeId } from '../node-finder';
import type { NodeInfoDto } from './node-info.dto';

type Headers = Record<string, string | string[] | undefined>;

/** `node_token` is the node token a grid-token registration issued: shown this once, then only to grid admins. */
export class RegisterAgentCommand extends Command<{ doc: NodeDoc; created: boolean; node_token?: string }> {
  constructor(
    readonly ctx: RequestContext,
    readonly agentNodeId: string,
    readonly headers: Headers,
    readonly input: NodeInfoDto,
  ) {
    super();
  }
}

/**
 * Where nodes are born (kontena-behaviour.md §7, Kontena's websocket handshake plus `/nodes/update`):
 * - grid token, unknown agent node id: the node is created (renamed `<name>-<node_number>` on a name conflict)
 *   with a node token, returned once: agents register with the grid token, then use their node token
 *   (DESIGN.md §6; Kontena's grid-token nodes had none);
 * - grid token, known agent: refused while its node has a node token (4005); a node whose token an admin
 *   cleared is let in and given a new one;
 * - node token: the first use binds the agent node id (4003 if the token's node has another, 4006 if the agent
 *   node id belongs to another node);
 * then the node is connected and the reported info recorded. Repeating a node-token request changes nothing.
 */
@CommandHandler(RegisterAgentCommand)
export class RegisterAgentHandler implements ICommandHandler<RegisterAgentCommand> {
  constructor(
    private readonly credentials: AgentCredentials,
    private readonly enrolment: NodeEnrolment,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
    private readonly nodes: NodeAfter,
    private readonly tokens: NodeTokens,
  ) {}

  async execute({ ctx, agentNodeId, headers, input }: RegisterAgentCommand) {
    const identity = await this.credentials.identify(headers);
    const grid = identity.grid;
    const agentCtx = new AgentRequestContext(ctx, { nodeId: agentNodeId, grid: grid.name });
    const known = await this.readModels.reader.lookup(nodeLookups.agentNodeId, agentNodeId);

    let name: string;
    let created = false;
    let credential: AgentCredential;
    let issued: string | undefined;
    if (identity.kind === 'grid_token') {
      issued = this.tokens.generate();
      // Agent node ids are unique across grids, as Kontena's index on `node_id` is.
      if (known && !known.startsWith(`${grid.name}/`))
        throw new DomainException(AgentRefused.agentNodeIdTaken());
      if (known) {
        name = known.slice(grid.name.length + 1);
      } else {
        if (!input.name) throw new DomainException(ValidationFailed.of('name', 'Name is required'));
        const registration = await this.enrolment.register(agentCtx, grid, {
          name: input.name,
          labels: input.labels ?? [],
          agent_node_id: agentNodeId,
          token: issued,
        });
        ({ created } = registration);
        name = registration.claim.node;
      }
      // A node this request created already holds the new token; any other must be given it (or refuse, 4005).
      credential = created
        ? { kind: 'node_token', token_hash: this.tokens.hash(issued) }
        : { kind: 'grid_token', new_token: this.tokens.seal(grid, name, issued) };
    } else {
      credential = { kind: 'node_token', token_hash: identity.token_hash };
      name = identity.node.name;
      if (known && known !== identity.node.id) throw new DomainException(AgentRefused.agentNodeIdTaken());
      // The grid stream decides a binding first: it sees every node's agent node id at once. A bound agent
      // reconnecting leaves the grid stream alone (its claim was recorded before the node was bound).
      if (identity.node.node_id !== agentNodeId) {
        await this.executor.execute(agentCtx, streamName('grid', grid.name), gridDecider, {
          type: 'ClaimNodeAgent',
          data: { node: name, agent_node_id: agentNodeId },
        });
      }
    }

    const node = streamName('node', nodeId(grid.name, name));
    let outcome = await this.executor.execute(agentCtx, node, nodeDecider, {
      type: 'ConnectAgent',
      data: { agent_node_id: agentNodeId, credential, labels: input.labels ?? [] },
    });
    const info = input.info();
    if (Object.keys(info).length > 0 || input.labels) {
      outcome = await this.executor.execute(agentCtx, node, nodeDecider, {
        type: 'ReportNodeInfo',
        data: { info, ...(input.labels && { labels: input.labels }) },
      });
    }
    ctx.outcome = agentCtx.outcome;
    const doc = await this.nodes.get(grid, name, outcome.revision);
    return { doc, created, ...(issued !== undefined && { node_token: issued }) };
  }
}
