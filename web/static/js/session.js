// Who is signed in, and what they may do in each brand (viewer < agent < lead < admin; an instance admin is
// admin in every brand). The server decides; the app only hides what would be refused.

const RANK = {viewer: 1, agent: 2, lead: 3, admin: 4};

export const session = {user: null, via: null};

export function setSession(data) {
  session.user = data?.user ?? null;
  session.via = data?.via ?? null;
}

export function brands() { return session.user?.brands ?? []; }

export function roleIn(slug) {
  if (session.user?.instance_admin) return 'admin';
  return brands().find((b) => b.slug === slug)?.role ?? null;
}

// Whether the signed-in person has at least `role` in brand `slug`.
export function can(slug, role) { return (RANK[roleIn(slug)] ?? 0) >= RANK[role]; }

export function brandName(slug) { return brands().find((b) => b.slug === slug)?.name ?? slug; }

// Whether any brand may be configured by this person (shows the brand parts of Settings).
export function leadsAny() { return session.user?.instance_admin || brands().some((b) => can(b.slug, 'lead')); }
