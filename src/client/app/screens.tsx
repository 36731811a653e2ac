import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { UiMessageKey } from '../ui/messages';
import { TodayScreen } from '../features/today/today-screen';
import { Link } from './router';

/**
 * Every screen and its address. Today is in the first load; the others are separate chunks,
 * fetched when first opened (the service worker precaches them all, so they open offline too),
 * which keeps the first load of a cheap tablet within its budget.
 */
export type Screen = {
  path: string;
  title: UiMessageKey;
  component: ComponentType | LazyExoticComponent<ComponentType>;
  /** Shown in the navigation bar; the connection screen is reached from the sync status. */
  inNav: boolean;
  /** A lead's screen: not in a volunteer's navigation (the screen itself also says so). */
  leadOnly?: boolean;
};

const SessionsScreen = lazy(() => import('../features/sessions/sessions-screen').then((module) => ({ default: module.SessionsScreen })));
const ShiftsScreen = lazy(() => import('../features/shifts/shifts-screen').then((module) => ({ default: module.ShiftsScreen })));
const CloseDayScreen = lazy(() => import('../features/close/close-day-screen').then((module) => ({ default: module.CloseDayScreen })));
const EnrolScreen = lazy(() => import('../features/enrol/enrol-screen').then((module) => ({ default: module.EnrolScreen })));
const SummaryScreen = lazy(() => import('../features/summary/summary-screen').then((module) => ({ default: module.SummaryScreen })));
// The Children and Tablets screens get the app's in-place link: features never import the router.
const ChildrenScreen = lazy(() => import('../features/children/children-screen').then(({ ChildrenScreen: Screen }) => ({ default: () => <Screen link={Link} /> })));
const TabletsScreen = lazy(() => import('../features/tablets/tablets-screen').then(({ TabletsScreen: Screen }) => ({ default: () => <Screen link={Link} /> })));
const CardsScreen = lazy(() => import('../features/cards/cards-screen').then((module) => ({ default: module.CardsScreen })));
const SettingsScreen = lazy(() => import('../features/settings/settings-screen').then((module) => ({ default: module.SettingsScreen })));

export const SCREENS: readonly Screen[] = [
  { path: '/', title: 'navToday', component: TodayScreen, inNav: true },
  { path: '/sessions', title: 'navSessions', component: SessionsScreen, inNav: true },
  { path: '/shifts', title: 'navShifts', component: ShiftsScreen, inNav: true },
  { path: '/summary', title: 'navSummary', component: SummaryScreen, inNav: true },
  { path: '/settings', title: 'navSettings', component: SettingsScreen, inNav: true },
  // A lead's screens last: they join the row once the role is read, moving nothing before them.
  { path: '/close', title: 'navClose', component: CloseDayScreen, inNav: true, leadOnly: true },
  { path: '/children', title: 'navChildren', component: ChildrenScreen, inNav: true, leadOnly: true },
  { path: '/tablets', title: 'navTablets', component: TabletsScreen, inNav: true, leadOnly: true },
  // Reached from the Children screen (one child's card) rather than the navigation bar.
  { path: '/cards', title: 'navCards', component: CardsScreen, inNav: false, leadOnly: true },
  { path: '/enrol', title: 'navEnrol', component: EnrolScreen, inNav: false },
];
