import { runService } from '@mirrorlab/service-kit';
import { producerService } from './producer-service';

void runService(producerService());
