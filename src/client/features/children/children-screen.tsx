import { useId, useRef, useState } from 'react';
import { formatCodeForReading } from '../../../shared/codes';
import type { Gender } from '../../../shared/schema';
import { db } from '../../db/db';
import { correctChild } from '../../db/repositories/child-records';
import { lookUpCode } from '../../db/repositories/child-codes';
import { eraseChild } from '../../db/repositories/erasure';
import type { ChildProfile } from '../../db/repositories/children';
import { giveNewCode, keepAsSameChild, undoNewCode, undoSameChild, type RegistrationView } from '../../db/repositories/code-clashes';
import { useDeviceRole } from '../../db/hooks/access';
import { useChildDetail, useCodeClashes } from '../../db/hooks/child-records';
import { useCentreSettings } from '../../db/hooks/settings';
import { useUiMessages } from '../../ui/messages';
import { ActionNotice, useActions } from '../../ui/actions';
import { LeadGate } from '../../ui/lead-gate';
import { PlainLink, type LinkComponent } from '../../ui/plain-link';
import { genderLabel } from '../../ui/child-profile-fields';
import { ChildDetail } from './child-detail';
import { ChildrenList } from './children-list';
import { CodeClashCard } from './code-clash-card';
import { FindByCode } from './find-by-code';
import { useChildrenMessages } from './messages';
import './children.css';
import { useActivityLabel } from '../../ui/activity-label';

/** The lead's code cards screen (features/cards), reached from here. */
const CARDS_PATH = '/cards';

/**
 * /children (lead): the codes that reached two children, answered in a few taps, and any
 * child's record found by code, to correct, with their recent visits, or to erase.
 */
export function ChildrenScreen({ link: Link = PlainLink }: { link?: LinkComponent }) {
  const m = useChildrenMessages();
  const t = useUiMessages();
  const role = useDeviceRole();
  const settings = useCentreSettings();
  const clashes = useCodeClashes();
  const actions = useActions();
  const clashesId = useId();
  const [childId, setChildId] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const detail = useChildDetail(childId);
  const findRef = useRef<HTMLInputElement>(null);
  const activityLabel = useActivityLabel(settings.activityTypes);
  const detailId = useId();

  if (role === undefined) return null;
  if (role !== 'lead') {
    return (
      <div className="children">
        <h1>{m('title')}</h1>
        <p className="lead-only">{m('leadOnly')}</p>
      </div>
    );
  }

  const open = (id: string) => {
    setChildId(id);
    // The record opens above the list: bring the lead to it.
    requestAnimationFrame(() => document.getElementById(detailId)?.focus());
  };

  const describe = (registration: RegistrationView) => `${registration.ageBand}, ${genderLabel(registration.gender as Gender, t)}`;

  const newCode = (registration: RegistrationView) =>
    void actions.run(
      () => giveNewCode(db, registration.id),
      (given) => ({ text: m('newCodeGiven', { code: formatCodeForReading(given.code) }), undo: () => undoNewCode(db, given.registrationId) }),
      { key: `answer:${registration.childId}` },
    );

  const keepAsOne = (registration: RegistrationView) =>
    void actions.run(
      () => keepAsSameChild(db, registration.id),
      (revert) => ({ text: m('keptAsOne', { profile: describe(registration) }), undo: () => undoSameChild(db, revert) }),
      { key: `answer:${registration.childId}` },
    );

  const find = async (typed: string): Promise<string | null> => {
    const found = await lookUpCode(db, typed, settings.codeScheme);
    if (found.status === 'invalid') return m('codeProblem');
    if (found.status === 'unknown') return m('notFound', { code: formatCodeForReading(found.code) });
    setChildId(found.child.id);
    return null;
  };

  const correct = async (profile: ChildProfile): Promise<boolean> => {
    if (!detail) return false;
    const code = formatCodeForReading(detail.child.code ?? '');
    const saved = await actions.run(
      () => correctChild(db, detail.child.id, profile),
      () => {
        const before = detail.child;
        const back = { ageBand: before.ageBand!, gender: before.gender!, languages: before.languages ?? [] };
        return { text: m('corrected', { code }), undo: () => correctChild(db, before.id, back) };
      },
      { key: `correct:${detail.child.id}` },
    );
    return saved !== null;
  };

  // No Undo: the erasure goes to every tablet and the server, and nothing of the child is kept
  // to put back. EraseChild has asked a second time before this runs.
  const erase = async () => {
    if (!detail) return;
    const code = formatCodeForReading(detail.child.code ?? '');
    const erased = await actions.run(() => eraseChild(db, detail.child.id), () => ({ text: m('erased', { code }) }), { key: `erase:${detail.child.id}` });
    if (erased === null) return;
    setChildId(null);
    // The record and its buttons are gone: the lead goes on from finding a child.
    findRef.current?.focus();
  };

  return (
    <div className="children">
      <h1>{m('title')}</h1>
      <ActionNotice actions={actions} />
      <LeadGate>
        {clashes && clashes.length > 0 && (
          <section aria-labelledby={clashesId} className="code-clashes">
            <h2 id={clashesId}>{m('clashesTitle')}</h2>
            {clashes.map((clash) => (
              <CodeClashCard key={clash.childId} clash={clash} timeZone={settings.timeZone} onNewCode={newCode} onSameChild={keepAsOne} />
            ))}
          </section>
        )}
        <p className="children-cards-link">
          <Link to={CARDS_PATH} className="button">
            {m('printCards')}
          </Link>
        </p>
        <FindByCode onFind={find} inputRef={findRef} onTyping={setTyped} />
        {detail && (
          <div id={detailId} tabIndex={-1} className="child-detail-anchor">
            <ChildDetail
              key={detail.child.id}
              detail={detail}
              timeZone={settings.timeZone}
              onCorrect={correct}
              onErase={erase}
              activityLabel={activityLabel}
              cardLink={
                <Link to={`${CARDS_PATH}?children=${encodeURIComponent(detail.child.id)}`} className="button">
                  {m('printCard')}
                </Link>
              }
            />
          </div>
        )}
        <ChildrenList typed={typed} scheme={settings.codeScheme} onOpen={open} />
      </LeadGate>
    </div>
  );
}
