// The viewer's shell: who is signed in, the navigation their role gets, and client routes
//   /signin  /worklist (readers)  /requests (township and village staff)  /cases/{id}
// served by the hub's fallback to index.html (ConsultHub Viewer/ViewerHosting.cs).
import './styles.css';
import { ApiError, get, message, post, whenSignedOut } from './api';
import { clear, h } from './dom';
import { caseEvents } from './live';
import { isReader, isStaff, type Me } from './model';
import { showSignIn } from './views/signin';

export interface View {
  /** Called when the user leaves the view: drop listeners, connections, timers. */
  dispose?(): void;
}

const root = document.getElementById('app')!;
let me: Me | null = null;
let current: View | null = null;

export function currentUser(): Me {
  if (!me) throw new Error('not signed in');
  return me;
}

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void route();
}

function home(user: Me): string {
  return isReader(user) ? '/worklist' : isStaff(user) ? '/requests' : '/cases';
}

async function route(): Promise<void> {
  current?.dispose?.();
  current = null;
  const path = location.pathname;
  if (!me) {
    try {
      me = (await get<Me>('/api/me')).data;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) {
        clear(root, h('p', { class: 'error', role: 'alert' }, message(error)));
        return;
      }
    }
  }

  if (!me) {
    if (path !== '/signin') history.replaceState(null, '', '/signin' + (path !== '/' ? `?next=${encodeURIComponent(path)}` : ''));
    current = showSignIn(root, async (user) => {
      me = user;
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : home(user), true);
    });
    return;
  }

  void caseEvents.start().catch(() => undefined);
  const main = h('main', { id: 'main' });
  clear(root, shell(me), main);
  let match: RegExpMatchArray | null;
  if (path === '/' || path === '/signin') {
    navigate(home(me), true);
  } else if (path === '/worklist') {
    current = (await import('./views/worklist')).showWorklist(main, me);
  } else if (path === '/requests' || path === '/cases') {
    current = (await import('./views/requests')).showRequests(main, me);
  } else if ((match = path.match(/^\/cases\/([0-9a-f-]{36})$/i))) {
    current = (await import('./views/case')).showCase(main, me, match[1]);
  } else {
    clear(main, h('h1', null, 'Not found'), h('p', null, 'No page at ', path, '. '), h('a', { href: home(me), 'data-link': true }, 'Go to your start page'));
  }
}

function shell(user: Me): HTMLElement {
  const links: [string, string][] = isReader(user)
    ? [['/worklist', 'My worklist']]
    : isStaff(user)
      ? [['/requests', 'Our requests']]
      : [['/cases', 'Cases']];
  const status = h('span', { class: 'live-state', id: 'live-state', title: 'live updates' }, '…');
  caseEvents.subscribe({
    state: (s) => {
      status.textContent = s === 'live' ? '● live' : s === 'reconnecting' ? '◌ reconnecting…' : '○ offline';
      status.dataset.state = s;
    },
  });
  return h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: home(user), 'data-link': true }, 'Telemed'),
    h('nav', null, ...links.map(([href, text]) => h('a', { href, 'data-link': true, class: location.pathname.startsWith(href) ? 'active' : null }, text))),
    status,
    h('span', { class: 'who', id: 'who' }, user.displayName, h('small', null, ` · ${user.role}`)),
    h('button', { type: 'button', class: 'secondary', id: 'sign-out', onclick: () => void signOut() }, 'Sign out'),
  );
}

async function signOut(): Promise<void> {
  try {
    await post('/api/auth/logout');
  } finally {
    me = null;
    await caseEvents.stop().catch(() => undefined);
    navigate('/signin', true);
  }
}

whenSignedOut(() => {
  if (me) {
    me = null;
    void caseEvents.stop();
    navigate('/signin?expired=1', true);
  }
});

// Same-origin links marked data-link switch views without a page load.
document.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(link.getAttribute('href')!);
});
window.addEventListener('popstate', () => void route());
void route();
