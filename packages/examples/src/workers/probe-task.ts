/**
 * The conformance probe as a task module: `describeBackend` sends ProbeInputs, and this module
 * answers them, in whatever process or thread the backend under test runs it.
 */
export { probeExecutor as default } from '@poolkit/core/testing/probe';
