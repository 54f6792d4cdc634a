import { IsInt, Max, Min } from 'class-validator';
import { validateEnv } from '@libs/config';

/** How the api follows event logs (DESIGN.md §10: environment, validated at start-up). */
export class EventLogsConfig {
  /** Followers one api process serves at most; more answer 503 (each holds a connection and a cursor). */
  @IsInt()
  @Min(1)
  EVENT_LOG_MAX_FOLLOWERS = 2_000;

  /** How often the shared tail reads new entries when there were none (Kontena's loop slept 0.1 s). */
  @IsInt()
  @Min(10)
  @Max(10_000)
  EVENT_LOG_POLL_MS = 100;

  /** Entries per log per read (`LogsHelpers::LOGS_STREAM_CHUNK`). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  EVENT_LOG_FOLLOW_BATCH = 300;

  /** Idle time before a keep-alive is written (Kontena: a space every 0.5 s). */
  @IsInt()
  @Min(10)
  @Max(60_000)
  EVENT_LOG_KEEPALIVE_MS = 500;

  /** A follower that takes nothing for this long is cut, so a stuck client cannot hold server memory. */
  @IsInt()
  @Min(100)
  EVENT_LOG_STALL_TIMEOUT_MS = 30_000;
}

export function loadEventLogsConfig(env: NodeJS.ProcessEnv = process.env): EventLogsConfig {
  return validateEnv(EventLogsConfig, env);
}
