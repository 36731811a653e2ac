import type { FastifyPluginCallback } from 'fastify';
import { readSettings, reportsQuery } from '../../shared/schema';
import { checkReportRange, dayFacts, FUNDERS_MIN_CELL, MAX_REPORT_DAYS, recordsByDay, reportCsv, summariseRange, summaryRules, suppressReport, type RangeProblem } from '../../shared/summary';
import { deviceOf, requireDevice } from '../auth';
import { recordsForReport } from '../store/reports';
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
 * GET /reports/days (sync-protocol.md): the day summaries of a range and their total, computed
 * from the server's records by the same shared code the tablets run, as JSON or CSV.
 */
export function reportRoutes({ store, clock }: ReportRouteOptions): FastifyPluginCallback {
  return (app, _options, done) => {
    app.get('/reports/days', { onRequest: requireDevice(store, clock, 'lead') }, async (request, reply) => {
      const query = parseInput(reportsQuery, request.query, 'query');
      const range = checkReportRange(query.from, query.to);
      if (!range.ok) throw badRequest(PROBLEMS[range.problem]);
      const records = await recordsForReport(store, deviceOf(request).centreId, query.from, query.to);
      const rules = summaryRules(readSettings(records.settings));
      const facts = recordsByDay(range.days, records).map((day) => dayFacts(day, rules));
      const report = summariseRange(facts, records.children);
      if (query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="daybook-${query.from}-${query.to}.csv"`)
          .send(reportCsv(report, query.minCell ?? FUNDERS_MIN_CELL));
      }
      return suppressReport(report, query.minCell ?? 0);
    });
    done();
  };
}
