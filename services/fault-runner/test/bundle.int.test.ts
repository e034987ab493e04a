import path from 'node:path';
import { describeBundleContract } from '@mirrorlab/service-kit/testing';

describeBundleContract('fault-runner', path.join(__dirname, '../dist/main.js'));
