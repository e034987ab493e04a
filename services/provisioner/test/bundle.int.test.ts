import path from 'node:path';
import { describeBundleContract } from '@mirrorlab/service-kit/testing';

// The contract needs no Kafka or Redis: the HTTP server answers while the clients connect
// (against the lab when its variables are set, else addresses nothing listens on).
const nowhere = '127.0.0.1:9';
describeBundleContract('provisioner', path.join(__dirname, '../dist/main.js'), {
  SOURCE_KAFKA_BROKERS: process.env.SOURCE_KAFKA_BROKERS ?? nowhere,
  TARGET_KAFKA_BROKERS: process.env.TARGET_KAFKA_BROKERS ?? nowhere,
  CONTROL_KAFKA_BROKERS: process.env.CONTROL_KAFKA_BROKERS ?? nowhere,
  REDIS_URL: process.env.REDIS_URL ?? `redis://${nowhere}`,
});
