import type { ComponentType, ReactNode } from 'react';
import { useDeviceRole } from '../../db/hooks/access';
import { useCodeClashes } from '../../db/hooks/child-records';
import { useChildrenMessages } from './messages';

export const CHILDREN_PATH = '/children';

type LinkComponent = ComponentType<{ to: string; className?: string; children: ReactNode }>;

/**
 * On every screen of a lead's tablet while a code names two children (product.md: the lead is
 * told): one line and a link to answer it. Nothing on a volunteer's tablet, which cannot answer.
 */
export function CodeClashAlert({ link: Link }: { link: LinkComponent }) {
  const m = useChildrenMessages();
  const role = useDeviceRole();
  const clashes = useCodeClashes();
  if (role !== 'lead' || !clashes || clashes.length === 0) return null;
  return (
    <p className="code-clash-alert" role="alert">
      <span>{m('alertMany', { n: clashes.length })}</span>{' '}
      <Link to={CHILDREN_PATH} className="button">
        {m('alertLink')}
      </Link>
    </p>
  );
}
