import { hostname } from 'node:os';
import { IsIn, IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';
import { validateEnv } from '@libs/config';

/** The agent's environment (DESIGN.md §10); a bad value stops the process with a clear message. */
export class AgentConfig {
  /** The master's api. */
  @IsString() API_URL: string = 'http://127.0.0.1:9292';
  /**
   * The grid to join (first start); afterwards the node token the api returned is used. Hollow fleets may
   * list several, comma-separated: a Kontena grid holds at most 254 nodes, so larger fleets span grids.
   */
  @IsOptional() @IsString() GRID_TOKEN?: string;
  /** A node token from `GET /v1/nodes/:grid/:node/token`, for a node created through the api. */
  @IsOptional() @IsString() NODE_TOKEN?: string;
  /** The node's name when it joins (Kontena: the host name). */
  @IsString()
  @Matches(/^[\w.-]+$/, { message: 'NODE_NAME may only hold letters, digits, _, . and -' })
  NODE_NAME: string = hostname();
  /**
   * Where the agent keeps its node id and node token (mode 600) and, for the process runtime, its instances.
   * Without a token configured, a grid token written to `<AGENT_DATA_DIR>/grid-token` lets it join.
   */
  @IsString() AGENT_DATA_DIR: string = './data/agent';
  @IsIn(['process', 'docker', 'hollow']) RUNTIME: string = 'process';
  /** The docker runtime's engine socket (Docker, or Podman's compatible service). */
  @IsString() CONTAINER_ENGINE_SOCKET: string = '/run/kontena-es/engine.sock';
  @IsString() REDIS_URL: string = 'redis://127.0.0.1:6379';
  @IsString() REDIS_PREFIX: string = 'kontena:';
  /** Comma-separated node labels (`az=a,ssd`), given to a node when it joins. */
  @IsString() LABELS: string = '';
  @IsOptional() @IsString() PUBLIC_IP?: string;
  @IsOptional() @IsString() PRIVATE_IP?: string;
  @IsInt() @Min(100) HEARTBEAT_INTERVAL_MS: number = 5_000;
  /** Kontena's agent asked for its service pods every 30 s. */
  @IsInt() @Min(100) PULL_INTERVAL_MS: number = 30_000;
  /** Kontena's agent sent its node info every 60 s. */
  @IsInt() @Min(1_000) NODE_INFO_INTERVAL_MS: number = 60_000;
  /** Kontena's agent sent stats every 60 s. */
  @IsInt() @Min(1_000) STATS_INTERVAL_MS: number = 60_000;
  /** Jobs this node's agent runs at once. */
  @IsInt() @Min(1) JOB_CONCURRENCY: number = 16;
  /** Simulated nodes run by this one process (hollow runtime), for scale tests; 0 for a real agent. */
  @IsInt() @Min(0) HOLLOW_NODES: number = 0;
  /** Hollow instances: probability that a start fails. */
  @IsString() HOLLOW_FAILURE_RATE: string = '0';
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: string = 'info';
}

export const loadAgentConfig = (env: NodeJS.ProcessEnv = process.env) => validateEnv(AgentConfig, env);

export function parseLabels(text: string): string[] {
  return text
    .split(',')
    .map((label) => label.trim())
    .filter(Boolean);
}
