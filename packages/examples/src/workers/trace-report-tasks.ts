/**
 * The task module of `trace-across-threads`' `poolkit-worker` process (`--module`). Its named
 * exports are the task names (`pool.submit(input, { task: 'render' })`); inputs and results travel
 * through Redis as JSON. The tracer comes from the process's telemetry module
 * (`trace-report-telemetry.js`, loaded with `--import`): this module only starts spans.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanStatusCode, trace } from '@opentelemetry/api';

/** What a task is given: the report to render. */
export interface ReportRequest {
  readonly report: string;
}

/** What a task returns. */
export interface RenderedReport {
  readonly report: string;
  readonly pages: number;
  /** The pid of the poolkit-worker process that rendered it. */
  readonly pid: number;
}

const tracer = trace.getTracer('trace-across-threads');

/**
 * "Renders" a report: a few ms of querying and laying out, inside a span `render` (a child of the
 * try's span, through `traceWorkerTasks()`). A report whose name starts with `empty` fails with
 * code `E_NO_DATA`, after marking its own span ERROR.
 */
export function render(request: ReportRequest): Promise<RenderedReport> {
  return tracer.startActiveSpan('render', { attributes: { 'report.name': request.report } }, async (span) => {
    try {
      await sleep(5 + (request.report.length % 4) * 3);
      if (request.report.startsWith('empty')) {
        throw Object.assign(new Error(`${request.report} has no data`), { code: 'E_NO_DATA' });
      }
      const pages = 1 + (request.report.length % 5);
      span.setAttribute('report.pages', pages);
      return { report: request.report, pages, pid: process.pid };
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
