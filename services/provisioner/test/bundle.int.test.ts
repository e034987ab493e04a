import path from 'node:path';
import { describeBundleContract } from '@mirrorlab/service-kit/testing';

describeBundleContract('provisioner', path.join(__dirname, '../dist/main.js'));
