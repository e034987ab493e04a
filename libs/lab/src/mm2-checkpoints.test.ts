import { parseProperties, plannedLab } from './testing';
import { renderMm2Properties } from './config';
import { mm2ConnectorConfigs } from './connect-cluster';
import { DEFAULT_MM2_CHECKPOINTS, describeMm2Checkpoints, mm2CheckpointsChange, mm2CheckpointsOf } from './mm2-checkpoints';
import type { LabState } from './state';

const plan = (mode?: 'dedicated' | 'dedicated-eos' | 'connect'): LabState => {
  const lab = plannedLab({ dir: '/tmp/lab-k' });
  if (mode !== undefined) lab.mm2.mode = mode;
  return lab;
};

const asked = { intervalSeconds: 5, syncIntervalSeconds: 3, offsetLagMax: 10 };

describe('MM2 checkpoint settings of the lab', () => {
  it('defaults to every second and offset.lag.max 100 (a lab that never recorded any)', () => {
    expect(DEFAULT_MM2_CHECKPOINTS).toEqual({ intervalSeconds: 1, syncIntervalSeconds: 1, offsetLagMax: 100 });
    expect(mm2CheckpointsOf(plan())).toEqual(DEFAULT_MM2_CHECKPOINTS);
    expect(describeMm2Checkpoints(asked)).toBe('checkpoints every 5 s, group offset sync every 3 s, offset.lag.max 10');
  });

  it.each(['dedicated', 'dedicated-eos'] as const)('renders the recorded settings into mm2.properties (%s)', (mode) => {
    const lab = plan(mode);
    lab.mm2.checkpoints = asked;
    const props = parseProperties(renderMm2Properties(lab));
    expect(props.get('emit.checkpoints.enabled')).toBe('true');
    expect(props.get('emit.checkpoints.interval.seconds')).toBe('5');
    expect(props.get('sync.group.offsets.enabled')).toBe('true');
    expect(props.get('sync.group.offsets.interval.seconds')).toBe('3');
    expect(props.get('offset.lag.max')).toBe('10');
  });

  it('configures them on the connectors in connect mode (offset.lag.max where offset syncs are emitted)', () => {
    const lab = plan('connect');
    lab.mm2.checkpoints = asked;
    const { MirrorSourceConnector: source, MirrorCheckpointConnector: checkpoint } = mm2ConnectorConfigs(lab);
    expect(source['offset.lag.max']).toBe('10');
    expect(checkpoint['emit.checkpoints.interval.seconds']).toBe('5');
    expect(checkpoint['sync.group.offsets.enabled']).toBe('true');
    expect(checkpoint['sync.group.offsets.interval.seconds']).toBe('3');
    const defaults = mm2ConnectorConfigs(plan('connect'));
    expect(defaults.MirrorSourceConnector['offset.lag.max']).toBe('100');
    expect(defaults.MirrorCheckpointConnector['emit.checkpoints.interval.seconds']).toBe('1');
    expect(defaults.MirrorCheckpointConnector['sync.group.offsets.interval.seconds']).toBe('1');
  });
});

describe('switching checkpoint settings on a running lab', () => {
  it('does nothing when none are asked or they are what runs (also the defaults of an old lab)', () => {
    expect(mm2CheckpointsChange(plan(), undefined)).toEqual({ action: 'none' });
    expect(mm2CheckpointsChange(plan(), { ...DEFAULT_MM2_CHECKPOINTS })).toEqual({ action: 'none' });
    const lab = plan('connect');
    lab.mm2.checkpoints = { ...asked };
    expect(mm2CheckpointsChange(lab, { ...asked })).toEqual({ action: 'none' });
  });

  it.each([
    [undefined, 'restart-workers'],
    ['dedicated', 'restart-workers'],
    ['dedicated-eos', 'restart-workers'],
    ['connect', 'reconfigure-connectors'],
  ] as const)('in mode %s, any differing field: %s', (mode, action) => {
    for (const to of [
      asked,
      { ...DEFAULT_MM2_CHECKPOINTS, intervalSeconds: 2 },
      { ...DEFAULT_MM2_CHECKPOINTS, syncIntervalSeconds: 2 },
      { ...DEFAULT_MM2_CHECKPOINTS, offsetLagMax: 0 },
    ]) {
      expect(mm2CheckpointsChange(plan(mode), to)).toEqual({ action, from: DEFAULT_MM2_CHECKPOINTS, to });
    }
  });

  it('switches back to the defaults from recorded settings', () => {
    const lab = plan();
    lab.mm2.checkpoints = { ...asked };
    expect(mm2CheckpointsChange(lab, DEFAULT_MM2_CHECKPOINTS)).toEqual({
      action: 'restart-workers',
      from: asked,
      to: DEFAULT_MM2_CHECKPOINTS,
    });
  });
});
