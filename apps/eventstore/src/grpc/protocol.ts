/**
 * The wire protocol, taken from the generated modules inside the installed `@eventstore/db-client`.
 * Nothing of the protocol is copied into this project: responses are built with these very classes,
 * because the generated serializers reject anything that is not an `instanceof` their own module's
 * classes (spec §5 gotcha 1). This file is the only place that names those modules.
 */
export * as streamsPb from '@eventstore/db-client/generated/streams_pb';
export * as sharedPb from '@eventstore/db-client/generated/shared_pb';
export * as statusPb from '@eventstore/db-client/generated/status_pb';
export * as gossipPb from '@eventstore/db-client/generated/gossip_pb';
export * as serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb';
export { Code as RpcCode } from '@eventstore/db-client/generated/code_pb';
export { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
export { GossipService } from '@eventstore/db-client/generated/gossip_grpc_pb';
export { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
export { Any } from 'google-protobuf/google/protobuf/any_pb';
export { Empty as GoogleEmpty } from 'google-protobuf/google/protobuf/empty_pb';
