import type { FastifyPluginCallback } from 'fastify';
import { reportsQuery, type ReportResponse } from '../../shared/schema';
import { checkReportRange, FUNDERS_MIN_CELL, MAX_REPORT_DAYS, reportCsv, suppressReport, type RangeProblem } from '../../shared/summary';
import { deviceOf, requireDevice } from '../auth';
import { rangeReport } from '../store/reports';
import type { Store } from '../store/types';
import { badRequest, parseInput } from './parse';

export interface ReportRouteOptions {
  store: Store;
  clock: () => number;
}

const PROBLEMS: Record<RangeProblem, string> = {
  'bad-from': 'from: must be a calendar date written YYYY-MM-DD',
  'bad-to': 'to: must be a calendar date written YYYY-MM-DD',
  'from-after-to': 'from: must be on or before to',
  'too-long': `to: a report covers at most ${MAX_REPORT_DAYS} days`,
};

/**
 * GET /reports/days (sync-protocol.md): the day summaries of a range and their total, from the
 * server's kept day totals and records by the same shared code the tablets run, as JSON (its
 * schema: shared/schema/report.ts) or CSV.
 */
export function reportRoutes({ store, clock }: ReportRouteOptions): FastifyPluginCallback {
  return (app, _options, done) => {
    app.get('/reports/days', { onRequest: requireDevice(store, clock, 'lead') }, async (request, reply) => {
      const query = parseInput(reportsQuery, request.query, 'query');
      const range = checkReportRange(query.from, query.to);
      if (!range.ok) throw badRequest(PROBLEMS[range.problem]);
      const report = await rangeReport(store, deviceOf(request).centreId, range.days);
      if (query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="daybook-${query.from}-${query.to}.csv"`)
          .send(reportCsv(report, query.minCell ?? FUNDERS_MIN_CELL));
      }
      return suppressReport(report, query.minCell ?? 0) satisfies ReportResponse;
    });
    done();
  };
}
