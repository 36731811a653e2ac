import type { ComponentType, ReactNode } from 'react';

/**
 * A link a feature draws without importing the router (features never do): app/screens.tsx
 * passes the app's in-place link; without it, a plain link, which loads the page anew.
 */
export type LinkComponent = ComponentType<{ to: string; className?: string; children: ReactNode }>;

export function PlainLink({ to, className, children }: { to: string; className?: string; children: ReactNode }) {
  return (
    <a href={to} className={className}>
      {children}
    </a>
  );
}
