# One-off for merges (issue 10): rewrites imports of the names that moved to @mirrorlab/control
# (from @mirrorlab/protocol, @mirrorlab/service-kit and @mirrorlab/service-kit/testing) in every
# tracked .ts file. Run from the repository root after merging a branch written before the move:
#   python3 tools/build/split-control-imports.py
# Delete once every branch is merged.
import re, subprocess, sys, os
os.chdir(os.path.dirname(os.path.abspath(__file__)) + '/../..')
CONTROL_FROM_PROTOCOL = {'CONTROL_EVENT_VERSION','producerKeyReportSchema','producerCountsSchema','partitionProgressSchema','controlEventSchema','ControlEvent','ControlEventInput','ControlEventType','ControlEventOf','ProducerKeyReport','ProducerCounts','PartitionProgress','ControlDecodeResult','encodeControlEvent','decodeControlEvent','ScenarioRunInfo','ScenarioLifecycle','SourceOffsetKey','SourcePartitionOffsets','ConsumerPartitionCommit','TranslationObservationEvent'}
CONTROL_FROM_KIT = {'ControlTopicOptions','FollowOptions','ControlEventHandler','ControlTopic','Run','RunPolicy','producerPolicy','validatorPolicy','RunCoordinator'}
CONTROL_FROM_KIT_TESTING = {'ControlRecorder','ControlRecorderOptions'}
RULES = [('@mirrorlab/protocol', CONTROL_FROM_PROTOCOL, '@mirrorlab/control'),
         ('@mirrorlab/service-kit', CONTROL_FROM_KIT, '@mirrorlab/control'),
         ('@mirrorlab/service-kit/testing', CONTROL_FROM_KIT_TESTING, '@mirrorlab/control/testing')]
IMPORT = re.compile(r"import (type )?\{([^}]*)\} from '([^']+)';\n", re.S)

def split(spec):
    return [x.strip() for x in spec.split(',') if x.strip()]

def name_of(item):
    item = re.sub(r'^type\s+', '', item)
    return item.split(' as ')[0].strip()

def fmt(typeonly, items, mod):
    return f"import {'type ' if typeonly else ''}{{ {', '.join(items)} }} from '{mod}';\n"

files = [f for f in subprocess.run(['git','ls-files','*.ts'],capture_output=True,text=True).stdout.split()]
changed = []
for f in files:
    if not os.path.exists(f): continue
    s = open(f).read()
    out = s
    def repl(m):
        typeonly, spec, mod = m.group(1), m.group(2), m.group(3)
        for src, names, dst in RULES:
            if mod != src: continue
            items = split(spec)
            moved = [i for i in items if name_of(i) in names]
            if not moved: return m.group(0)
            kept = [i for i in items if name_of(i) not in names]
            res = ''
            if kept: res += fmt(typeonly, kept, src)
            res += fmt(typeonly, moved, dst)
            return res
        return m.group(0)
    out = IMPORT.sub(repl, s)
    if out != s:
        open(f,'w').write(out)
        changed.append(f)
print('\n'.join(changed))
