// The approval queue, the main screen: every draft waiting in the signed-in person's brands, most urgent
// first, with the selected one's post, thread, customer history, assessment and editable draft beside the
// list. Everything works from the keyboard (see SHORTCUTS); new drafts appear without a reload.

import {api, ApiError, listAll, query} from './api.js';
import {clear, h, linkified, modal, safeLink, toast} from './dom.js';
import {t} from './i18n.js';
import {formatCompact, formatSpan, formatTime, label} from './format.js';
import {brandName, can} from './session.js';

const POLL_MS = 5000;
const CLOSE_REASONS = ['resolved_privately', 'duplicate', 'spam', 'not_our_brand', 'no_reply_wanted', 'answered'];
export const SHORTCUTS = [
  ['j / ↓', 'key_next'], ['k / ↑', 'key_prev'], ['a', 'key_approve'], ['e', 'key_edit'],
  ['Ctrl+Enter', 'key_save_approve'], ['r', 'key_reject'], ['s', 'key_reassign'], ['c', 'key_close'],
  ['?', 'key_help'], ['Esc', 'key_cancel'],
];

// Seconds left until `due` (ms since the epoch), from the SLA fields of a queue item or case.
function dueOf(timeLeftS, dueAt, fetchedAt) {
  if (timeLeftS !== null && timeLeftS !== undefined) return fetchedAt + timeLeftS * 1000;
  if (dueAt) {
    const due = Date.parse(dueAt);
    if (!Number.isNaN(due)) return due;
  }
  return null;
}

// A countdown element that the screen's one-second tick updates (data-due); red once overdue.
function countdown(due) {
  const el = h('span', {class: 'sla', dataset: due === null ? {} : {due: String(due)}});
  paintCountdown(el);
  return el;
}

function paintCountdown(el) {
  if (!el.dataset.due) {
    el.textContent = t('no_deadline');
    return;
  }
  const left = (Number(el.dataset.due) - Date.now()) / 1000;
  el.textContent = left < 0 ? t('overdue_by', {span: formatSpan(-left)}) : formatSpan(left);
  el.classList.toggle('overdue', left < 0);
  el.classList.toggle('soon', left >= 0 && left < 900);
}

function priorityBadge(priority) {
  const p = Number.isInteger(priority) ? priority : 4;
  return h('span', {class: `prio p${p}`, title: t('priority')}, `P${p}`);
}

function sentimentChip(assessment) {
  if (!assessment) return null;
  return h('span', {class: `chip ${assessment.label ?? 'neu'}`}, label('label', assessment.label));
}

function authorLine(author) {
  if (!author) return null;
  const handle = String(author.handle ?? '');
  const who = handle ? (handle.startsWith('@') ? handle : `@${handle}`) : (author.name || author.id || '');
  return h('span', {class: 'author'}, who,
    author.reach ? h('span', {class: 'muted'}, ` · ${t('reach_n', {n: formatCompact(author.reach)})}`) : null);
}

function snippet(text, length = 140) {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > length ? `${s.slice(0, length - 1)}…` : s;
}

function postView(post, {current = false} = {}) {
  return h('article', {class: `post${current ? ' current' : ''}${post.from_brand ? ' from-brand' : ''}`},
    h('header', {class: 'row'}, authorLine(post.author), h('span', {class: 'muted'}, formatTime(post.created_at)),
      sentimentChip(post.assessment),
      post.rating !== null && post.rating !== undefined ? h('span', {class: 'chip'}, `${post.rating}★`) : null,
      post.url ? safeLink(post.url, t('open_on_platform')) : null),
    h('p', {class: 'text'}, linkified(post.text)),
    post.deleted_at ? h('p', {class: 'muted'}, t('post_deleted')) : null);
}

function assessmentView(assessment) {
  if (!assessment) return h('p', {class: 'muted'}, t('no_assessment'));
  const row = (name, value) => (value === undefined || value === null || value === '' ||
    (Array.isArray(value) && !value.length)) ? null : [h('dt', {}, name), h('dd', {}, value)];
  const sentiment = typeof assessment.sentiment === 'number' ? assessment.sentiment.toFixed(2) : null;
  return h('div', {class: 'assessment'},
    h('dl', {},
      row(t('sentiment'), [label('label', assessment.label), sentiment !== null ? ` (${sentiment})` : '']),
      row(t('urgency'), assessment.urgency !== undefined ? `${assessment.urgency}/100` : null),
      row(t('priority'), assessment.priority ? `P${assessment.priority}` : null),
      row(t('language'), assessment.language),
      row(t('topics'), (assessment.topics ?? []).map((x) => label('topic', x)).join(', ')),
      row(t('intents'), (assessment.intents ?? []).map((x) => label('intent', x)).join(', '))),
    assessment.urgency_explanation ? h('p', {class: 'why'}, assessment.urgency_explanation) : null,
    (assessment.reasons ?? []).length ? h('ul', {class: 'reasons'}, assessment.reasons.map((r) => h('li', {}, r))) : null);
}

function historyView(history) {
  if (!history?.length) return h('p', {class: 'muted'}, t('no_history'));
  return h('ul', {class: 'history'}, history.map((c) => h('li', {},
    h('a', {href: `/app/cases/${c.id}`}, `#${c.id}`), ' ', label('state', c.state), ' · ',
    formatTime(c.opened_at), c.close_reason ? ` · ${label('reason', c.close_reason)}` : '')));
}

function approvalsView(draft) {
  const approvals = draft.approvals ?? [];
  const required = draft.approvals_required ?? 1;
  return h('p', {class: 'muted approvals'}, t('approvals_n_of_m', {n: approvals.length, m: required}),
    approvals.length ? `: ${approvals.map((a) => a.login).join(', ')}` : '');
}

// The case pane: thread, assessment, history and (for the queue) the draft with its actions.
function caseView(detail, item, actions) {
  const c = detail ?? item.case;
  const posts = detail?.posts?.length ? detail.posts : [item.post];
  const currentId = item.post?.id;
  const assessed = posts.find((p) => p.id === currentId)?.assessment ?? item.post?.assessment;
  return h('div', {class: 'case'},
    h('header', {class: 'case-head row'}, priorityBadge(c.priority), h('h2', {}, t('case_n', {id: c.id})),
      h('span', {class: 'chip'}, label('state', c.state)),
      h('span', {}, brandName(item.brand?.slug ?? c.brand)), h('span', {class: 'muted'}, c.platform),
      countdown(dueOf(item.time_left_s ?? c.time_left_s, c.due_at, item.fetchedAt ?? Date.now())),
      h('span', {class: 'muted'}, c.assignee ? t('assigned_to', {login: c.assignee}) : t('unassigned'))),
    h('section', {'aria-label': t('thread')}, h('h3', {}, t('thread')),
      posts.map((p) => postView(p, {current: p.id === currentId}))),
    h('div', {class: 'cols'},
      h('section', {'aria-label': t('assessment')}, h('h3', {}, t('assessment')), assessmentView(assessed)),
      h('section', {'aria-label': t('history')}, h('h3', {}, t('history')),
        detail ? historyView(detail.history) : h('p', {class: 'muted'}, '…'))),
    actions);
}

function draftView(item, readOnly, handlers) {
  const draft = item.draft;
  const text = h('textarea', {id: 'draft-text', rows: 6, 'aria-label': t('draft'), readonly: readOnly,
                              lang: draft.language || null, value: draft.text ?? ''});
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (!readOnly) handlers.saveAndApprove(text.value);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      text.value = draft.text ?? '';
      text.blur();
    }
  });
  const button = (id, key, labelKey, onclick, cls = 'secondary') => h('button', {
    type: 'button', id, class: cls, onclick, 'aria-keyshortcuts': key}, t(labelKey), h('kbd', {}, key));
  return h('section', {class: 'draft', 'aria-label': t('draft')},
    h('h3', {}, t('draft'), draft.language ? h('span', {class: 'muted'}, ` · ${draft.language}`) : null),
    h('label', {for: 'draft-text', class: 'sr-only'}, t('draft')), text,
    (draft.notes ?? []).length ? h('ul', {class: 'notes', 'aria-label': t('notes')},
      draft.notes.map((n) => h('li', {}, n))) : null,
    approvalsView(draft),
    draft.edited_at ? h('p', {class: 'muted'}, t('edited_at', {at: formatTime(draft.edited_at)})) : null,
    readOnly ? h('p', {class: 'muted readonly-note'}, t('read_only')) : h('div', {class: 'row actions'},
      button('approve', 'a', 'approve', () => handlers.approve(), 'primary'),
      button('save-approve', 'Ctrl+Enter', 'save_approve', () => handlers.saveAndApprove(text.value)),
      button('reject', 'r', 'reject', () => handlers.reject()),
      button('reassign', 's', 'reassign', () => handlers.reassign()),
      button('close-case', 'c', 'close_case', () => handlers.close())));
}

// Keeps the selected item visible by scrolling the list alone (scrollIntoView would move the page too).
function scrollIntoList(li) {
  if (!li) return;
  const list = li.parentElement;
  if (li.offsetTop < list.scrollTop) list.scrollTop = li.offsetTop;
  else if (li.offsetTop + li.offsetHeight > list.scrollTop + list.clientHeight) {
    list.scrollTop = li.offsetTop + li.offsetHeight - list.clientHeight;
  }
}

function isTyping(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export function showShortcuts() {
  return modal(t('shortcuts'), h('table', {class: 'shortcuts'},
    h('tbody', {}, SHORTCUTS.map(([key, what]) => h('tr', {}, h('td', {}, h('kbd', {}, key)), h('td', {}, t(what)))))),
    {submitLabel: t('ok'), cancelLabel: t('cancel'), onSubmit: () => true});
}

export function renderQueue(main) {
  let items = [];
  let selected = -1;
  let detail = null;          // GET /cases/{id} of the selected item
  let shownKey = null;        // draft id and version on screen, so a refresh keeps a draft being edited
  let changesToken = null;
  let stopped = false;
  let busy = false;

  const status = h('p', {class: 'muted', id: 'queue-status', role: 'status'});
  const list = h('ul', {class: 'queue-list', id: 'queue-list', role: 'listbox', 'aria-label': t('queue')});
  const pane = h('div', {class: 'queue-detail', id: 'queue-detail'});
  main.append(h('div', {class: 'queue'},
    h('div', {class: 'queue-side'},
      h('div', {class: 'row'}, h('h1', {}, t('queue')), h('span', {class: 'spacer'}),
        h('button', {type: 'button', class: 'link', onclick: () => showShortcuts()}, t('shortcuts_hint'))),
      status, list),
    pane));

  const current = () => items[selected] ?? null;

  function paintList() {
    clear(list);
    status.textContent = items.length ? t('queue_count', {n: items.length}) : t('queue_empty');
    items.forEach((item, i) => {
      const post = item.post ?? {};
      const due = dueOf(item.time_left_s, item.case?.due_at, item.fetchedAt);
      list.append(h('li', {
        role: 'option', 'aria-selected': i === selected ? 'true' : 'false', class: 'queue-item',
        dataset: {draft: String(item.draft?.id), kase: String(item.case?.id)},
        onclick: () => select(i),
      },
      h('div', {class: 'row'}, priorityBadge(item.case?.priority ?? post.assessment?.priority), countdown(due),
        h('span', {class: 'muted'}, post.platform ?? item.case?.platform ?? ''), h('span', {class: 'spacer'}),
        h('span', {class: 'brand'}, item.brand?.name ?? brandName(item.brand?.slug ?? item.case?.brand))),
      h('div', {class: 'row'}, authorLine(post.author), sentimentChip(post.assessment)),
      h('p', {class: 'snippet'}, snippet(post.text))));
    });
  }

  async function paintDetail(force = false) {
    const item = current();
    if (!item) {
      shownKey = null;
      clear(pane).append(h('p', {class: 'muted empty'}, items.length ? '' : t('queue_empty_long')));
      return;
    }
    const key = `${item.draft?.id}:${item.draft?.version}`;
    if (!force && key === shownKey) return;
    shownKey = key;
    detail = null;
    render();
    try {
      const loaded = await api('GET', `/cases/${item.case.id}`);
      if (current() === item) {
        detail = loaded;
        render();
      }
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) toast(t('error_generic', {message: e.message}), 'error');
    }

    function render() {
      const readOnly = !can(item.brand?.slug ?? item.case?.brand, 'agent');
      // Text typed into this very version of the draft survives the second render (when the case arrives);
      // a new version replaces it.
      const textarea = pane.querySelector('#draft-text');
      const focused = textarea !== null && document.activeElement === textarea;
      const typed = textarea && textarea.dataset.key === key ? textarea.value : null;
      clear(pane).append(caseView(detail, item, draftView(item, readOnly, handlers)));
      const fresh = pane.querySelector('#draft-text');
      if (fresh) {
        fresh.dataset.draft = String(item.draft?.id);
        fresh.dataset.key = key;
        if (typed !== null) fresh.value = typed;
        if (focused && typed !== null) {
          fresh.focus();
          fresh.setSelectionRange(fresh.value.length, fresh.value.length);
        }
      }
      pane.dataset.loaded = detail ? String(item.draft?.id) : '';
    }
  }

  function select(i) {
    if (!items.length) return;
    selected = Math.max(0, Math.min(items.length - 1, i));
    for (const [n, li] of [...list.children].entries()) li.setAttribute('aria-selected', n === selected ? 'true' : 'false');
    scrollIntoList(list.children[selected]);
    paintDetail();
  }

  // Reloads the queue; the selection stays on the same draft, or at the same place when that one is gone.
  async function refresh() {
    const keep = current()?.draft?.id;
    try {
      const fetchedAt = Date.now();
      const loaded = await listAll('/queue', {}, 500);
      loaded.forEach((item) => { item.fetchedAt = fetchedAt; });
      items = loaded;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) status.textContent = t('error_generic', {message: e.message});
      return;
    }
    const at = items.findIndex((item) => item.draft?.id === keep);
    selected = at >= 0 ? at : Math.min(Math.max(selected, 0), items.length - 1);
    paintList();
    await paintDetail();
  }

  // Whether the person may act on `item`; says why not when they may not.
  function mayAct(item) {
    if (!item) return false;
    if (can(item.brand?.slug ?? item.case?.brand, 'agent')) return true;
    toast(t('read_only'), 'error');
    return false;
  }

  async function act(what, call) {
    const item = current();
    if (busy || !mayAct(item)) return;
    busy = true;
    try {
      await call(item);
      toast(t(`done_${what}`));
      await refresh();
      list.focus();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        toast(t('stale'), 'error');
        await refresh();
        await paintDetail(true);
      } else if (e instanceof ApiError && e.status === 403) {
        toast(t('forbidden'), 'error');
      } else if (!(e instanceof ApiError && e.status === 401)) {
        toast(t('error_generic', {message: e.message}), 'error');
      }
    } finally {
      busy = false;
    }
  }

  const handlers = {
    approve: () => act('approve', (item) => api('POST', `/drafts/${item.draft.id}/approve`, {version: item.draft.version})),
    saveAndApprove: (text) => act('approve', (item) => (text === item.draft.text
      ? api('POST', `/drafts/${item.draft.id}/approve`, {version: item.draft.version})
      : api('PATCH', `/drafts/${item.draft.id}`, {text, version: item.draft.version, approve: true}))),
    reject: async () => {
      const item = current();
      if (!mayAct(item)) return;
      const reason = h('input', {id: 'reject-reason', required: true, autocomplete: 'off'});
      const given = await modal(t('reject_title'), [h('label', {for: 'reject-reason'}, t('reject_reason')), reason],
        {submitLabel: t('reject'), cancelLabel: t('cancel'), onSubmit: () => reason.value.trim() || undefined});
      if (given) await act('reject', (it) => api('POST', `/drafts/${it.draft.id}/reject`, {reason: given, version: it.draft.version}));
    },
    reassign: async () => {
      const item = current();
      if (!mayAct(item)) return;
      let people = [];
      try {
        people = await listAll('/users', {brand: item.brand.slug});
      } catch (e) {
        toast(t('error_generic', {message: e.message}), 'error');
        return;
      }
      const pick = h('select', {id: 'assignee', required: true},
        people.map((u) => h('option', {value: u.login, selected: u.login === item.case?.assignee},
          u.name ? `${u.name} (${u.login})` : u.login)));
      const login = await modal(t('reassign_title'), [h('label', {for: 'assignee'}, t('assignee')), pick],
        {submitLabel: t('reassign'), cancelLabel: t('cancel'), onSubmit: () => pick.value || undefined});
      if (login) await act('reassign', (it) => api('POST', `/cases/${it.case.id}/assign`, {login}));
    },
    close: async () => {
      const item = current();
      if (!mayAct(item)) return;
      const reason = h('select', {id: 'close-reason', required: true},
        CLOSE_REASONS.map((r) => h('option', {value: r}, label('reason', r))));
      const note = h('input', {id: 'close-note', autocomplete: 'off'});
      const chosen = await modal(t('close_title'), [h('label', {for: 'close-reason'}, t('close_reason')), reason,
        h('label', {for: 'close-note'}, t('close_note')), note],
      {submitLabel: t('close_case'), cancelLabel: t('cancel'), onSubmit: () => ({reason: reason.value, note: note.value})});
      if (chosen) await act('close', (it) => api('POST', `/cases/${it.case.id}/close`, chosen));
    },
  };

  function onKey(e) {
    if (document.querySelector('dialog[open]') || e.altKey || e.ctrlKey || e.metaKey) return;
    if (isTyping(e.target)) return;
    const keys = {
      j: () => select(selected + 1), ArrowDown: () => select(selected + 1),
      k: () => select(selected - 1), ArrowUp: () => select(selected - 1),
      a: () => handlers.approve(), r: () => handlers.reject(), s: () => handlers.reassign(), c: () => handlers.close(),
      e: () => {
        const text = pane.querySelector('#draft-text');
        if (text && !text.readOnly) {
          text.focus();
          text.setSelectionRange(text.value.length, text.value.length);
        }
      },
      '?': () => showShortcuts(),
    };
    const run = keys[e.key];
    if (!run) return;
    e.preventDefault();
    run();
  }

  async function poll() {
    if (stopped) return;
    try {
      const changes = await api('GET', `/changes${query({since: changesToken})}`);
      const first = changesToken === null;
      changesToken = changes?.token ?? null;
      if (!first && changes?.queue_changed) await refresh();
    } catch (e) {
      // No change feed (or a hiccup): reload the queue itself, which is what the feed would have asked for.
      if (!(e instanceof ApiError && e.status === 401)) await refresh();
    }
  }

  const tick = setInterval(() => main.querySelectorAll('.sla[data-due]').forEach(paintCountdown), 1000);
  const poller = setInterval(poll, POLL_MS);
  document.addEventListener('keydown', onKey);
  list.tabIndex = 0;
  refresh().then(() => {
    if (selected < 0 && items.length) select(0);
    poll();
    list.focus();
  });

  return () => {
    stopped = true;
    clearInterval(tick);
    clearInterval(poller);
    document.removeEventListener('keydown', onKey);
  };
}

// One case by its id (a link from an alert or from a customer's history), read-only; "not found" for a case
// that does not exist or belongs to a brand the person may not see (the API does not tell the two apart).
export function renderCase(main, id) {
  const box = h('div', {class: 'case-page'}, h('p', {class: 'muted'}, '…'));
  main.append(box);
  let stopped = false;
  (async () => {
    try {
      const detail = await api('GET', `/cases/${encodeURIComponent(id)}`);
      if (stopped) return;
      const pending = (detail.drafts ?? []).filter((d) => d.status === 'pending');
      const item = {case: detail, brand: {slug: detail.brand}, post: (detail.posts ?? []).at(-1) ?? {},
                    fetchedAt: Date.now()};
      clear(box).append(
        h('p', {}, h('a', {href: '/app/queue'}, `← ${t('queue')}`)),
        caseView(detail, item, h('section', {class: 'drafts'}, h('h3', {}, t('drafts')),
          (detail.drafts ?? []).length ? h('ul', {}, detail.drafts.map((d) => h('li', {},
            h('span', {class: 'chip'}, label('draft', d.status)), ' ', h('span', {class: 'text'}, d.text ?? '')))) :
            h('p', {class: 'muted'}, t('no_drafts')),
          pending.length ? h('p', {}, t('pending_in_queue')) : null)));
    } catch (e) {
      if (stopped || (e instanceof ApiError && e.status === 401)) return;
      const missing = e instanceof ApiError && (e.status === 404 || e.status === 403 || e.status === 400);
      clear(box).append(h('h1', {id: 'not-found'}, missing ? t('not_found') : t('error')),
        h('p', {}, missing ? t('case_not_found', {id}) : t('error_generic', {message: e.message})),
        h('p', {}, h('a', {href: '/app/queue'}, t('back_to_queue'))));
    }
  })();
  return () => { stopped = true; };
}
