import path from 'node:path';
import { describeBundleContract } from '@mirrorlab/service-kit/testing';

describeBundleContract('report-aggregator', path.join(__dirname, '../dist/main.js'));
