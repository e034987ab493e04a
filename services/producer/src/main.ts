import { runService } from '@mirrorlab/service-kit';
import { clientProcessData, runClientProcess } from './client-process-main';
import { producerService } from './producer-service';

// The bundle is one file: a produce process (CLIENT_PROCESS) runs it too, and only serves its parent.
const produceData = clientProcessData();
if (produceData !== undefined) runClientProcess(produceData);
else void runService(producerService({ clientProcessScript: __filename }));
