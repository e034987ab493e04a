#!/bin/bash
# Writes this node's server.properties and starts Kafka in KRaft mode with both roles. The
# node id is the pod's ordinal; the controller voters are the StatefulSet's pods, reached
# through the headless Service "<statefulset>-headless".
set -euo pipefail
statefulset="${POD_NAME%-*}"
ordinal="${POD_NAME##*-}"
domain="${statefulset}-headless.${POD_NAMESPACE}.svc"
voters=""
for ((i = 0; i < NODES; i++)); do
  voters+="${voters:+,}${i}@${statefulset}-${i}.${domain}:9093"
done
mkdir -p /tmp/kafka-config
cat > /tmp/kafka-config/server.properties <<PROPERTIES
process.roles=broker,controller
node.id=${ordinal}
controller.quorum.voters=${voters}
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
advertised.listeners=PLAINTEXT://${POD_NAME}.${domain}:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=/var/lib/kafka/data
# Durable settings, so that a loss is the replicator's and not the cluster's.
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
unclean.leader.election.enable=false
auto.create.topics.enable=false
PROPERTIES
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "${CLUSTER_ID}" --config /tmp/kafka-config/server.properties
exec /opt/kafka/bin/kafka-server-start.sh /tmp/kafka-config/server.properties
