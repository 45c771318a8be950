/** Worker script for workerpool: registers every kernel by name (`pool.exec(name, [item])`). */
import workerpool from 'workerpool';
import { kernels } from '../kernels.js';

workerpool.worker({ ...kernels });
