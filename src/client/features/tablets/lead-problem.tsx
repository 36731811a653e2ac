import type { LinkComponent } from '../../ui/plain-link';
import { ENROL_PATH } from '../../ui/enrol-link';
import type { LeadProblem } from './lead-api';
import { useTabletsMessages, type TabletsMessageKey } from './messages';


const SENTENCES: Record<LeadProblem, TabletsMessageKey> = {
  offline: 'problemOffline',
  'not-accepted': 'problemNotAccepted',
  'not-lead': 'problemNotLead',
  busy: 'problemBusy',
  'needs-update': 'problemNeedsUpdate',
  'no-such-tablet': 'problemNoSuchTablet',
  'server-error': 'problemServer',
};

type LeadProblemProps = { problem: LeadProblem; link: LinkComponent; onRetry?: () => void };

/**
 * Why a request to the server did not go through, in the app's words, and what to do: try again,
 * or, when the server no longer accepts this tablet, connect it again.
 */
export function LeadProblemMessage({ problem, link: Link, onRetry }: LeadProblemProps) {
  const m = useTabletsMessages();
  return (
    <div className="tablets-problem" role="alert">
      <p>{m(SENTENCES[problem])}</p>
      {problem === 'not-accepted' ? (
        <Link to={ENROL_PATH} className="button">
          {m('connect')}
        </Link>
      ) : (
        onRetry && (
          <button type="button" className="button" onClick={onRetry}>
            {m('tryAgain')}
          </button>
        )
      )}
    </div>
  );
}
