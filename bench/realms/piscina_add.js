// offload_piscina.js's task: trivial.js's add, with the arguments in one array, as Piscina
// passes a task's single value.
import { add } from './trivial.js';

export default ([a, b]) => add(a, b);
