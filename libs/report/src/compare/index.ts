export {
  compareReports,
  parseReportForComparison,
  phase,
  PHASE_SECONDS,
  type ComparedFault,
  type ComparedRun,
  type Comparison,
  type PhaseStats,
} from './compare-model';
export { renderCompareHtml, renderCompareJson, renderCompareMarkdown } from './render-compare';
