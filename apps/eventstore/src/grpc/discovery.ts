import type { handleUnaryCall } from '@grpc/grpc-js';
import { uuidToStructured } from '../domain/uuid';
import { createdTicks, systemClock } from '../domain/clock';
import {
  GossipService,
  gossipPb,
  ServerFeaturesService,
  serverFeaturesPb,
  sharedPb,
  StreamsService,
} from './protocol';

/** The version whose behaviour this server copies (spec header: v24.10.4). */
export const SERVER_VERSION = '24.10.4';

/**
 * Everything implemented, with the real server's feature flags (`ServerFeatures.cs`), so the client
 * never falls back to HTTP (spec §5 gotcha 11). `batchappend` does not claim `deadline_duration`:
 * the generated messages we decode only carry the older Timestamp deadline.
 */
const IMPLEMENTED: readonly (readonly [{ readonly path: string }, readonly string[]])[] = [
  [StreamsService.read, ['position', 'events']],
  [StreamsService.append, []],
  [StreamsService.delete, []],
  [StreamsService.tombstone, []],
  [StreamsService.batchAppend, []],
  [ServerFeaturesService.getSupportedMethods, []],
  [GossipService.read, []],
];

/** `ServerFeatures/GetSupportedMethods`: service and method names lower-cased, as the real node lists them. */
export function supportedMethodsHandler(): handleUnaryCall<
  sharedPb.Empty,
  serverFeaturesPb.SupportedMethods
> {
  const methods = IMPLEMENTED.map(([definition, features]) => {
    const [, service, method] = definition.path.split('/');
    return new serverFeaturesPb.SupportedMethod()
      .setServiceName(service.toLowerCase())
      .setMethodName(method.toLowerCase())
      .setFeaturesList([...features]);
  });
  return (_call, callback) =>
    callback(
      null,
      new serverFeaturesPb.SupportedMethods()
        .setMethodsList(methods)
        .setEventStoreServerVersion(SERVER_VERSION),
    );
}

export interface Advertised {
  readonly instanceId: string;
  readonly host: string;
  readonly port: number;
}

/**
 * `Gossip/Read`: a cluster of one, alive and Leader, advertising the endpoint clients should dial
 * (used by `esdb+discover://` and multi-host connection strings). A wildcard bind advertises the
 * host the client itself used.
 */
export function gossipHandler(
  advertised: () => Advertised,
): handleUnaryCall<sharedPb.Empty, gossipPb.ClusterInfo> {
  return (call, callback) => {
    const { instanceId, host, port } = advertised();
    const address = isWildcard(host) ? (hostOf(call.getHost()) ?? '127.0.0.1') : host;
    const { mostSignificantBits, leastSignificantBits } = uuidToStructured(instanceId);
    const member = new gossipPb.MemberInfo()
      .setInstanceId(
        new sharedPb.UUID().setStructured(
          new sharedPb.UUID.Structured()
            .setMostSignificantBits(mostSignificantBits)
            .setLeastSignificantBits(leastSignificantBits),
        ),
      )
      .setTimeStamp(createdTicks(systemClock()))
      .setState(gossipPb.MemberInfo.VNodeState.LEADER)
      .setIsAlive(true)
      .setHttpEndPoint(new gossipPb.EndPoint().setAddress(address).setPort(port));
    callback(null, new gossipPb.ClusterInfo().setMembersList([member]));
  };
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** The host part of an `:authority` ("host:port" or "[v6]:port"). */
function hostOf(authority: string): string | undefined {
  const match = /^\[([^\]]+)\](?::\d+)?$/.exec(authority) ?? /^([^:]+)(?::\d+)?$/.exec(authority);
  return match?.[1];
}
