import { PROTOCOL_VERSION } from './index';
test('version', () => { expect(PROTOCOL_VERSION).toBe(1); });
