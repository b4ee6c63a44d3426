#include "daemon/alert_scanner.h"

#include <cpprest/json.h>
#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include <exception>

namespace odziv::daemon {
namespace {

using web::json::value;

std::int64_t UnixSeconds(Timestamp t) { return ToUnixMillis(t) / 1000; }

// One line of text, cut on a character boundary to about `max_bytes`.
std::string Excerpt(const std::string& text, std::size_t max_bytes) {
  std::string line;
  for (char c : text) line += (c == '\n' || c == '\r') ? ' ' : c;
  if (line.size() <= max_bytes) return line;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
  return line.substr(0, end) + "…";
}

std::string WorstLines(const std::vector<PostOutcome>& worst) {
  std::string out;
  for (std::size_t i = 0; i < worst.size(); ++i) {
    const Post& p = worst[i].post.post;
    const std::string who = p.author.handle.empty() ? p.author.name : p.author.handle;
    const Assessment& a = *worst[i].assessment;
    out += fmt::format("\n{}. {} on {} (P{}, sentiment {:+.2f}): {}", i + 1, who.empty() ? "someone" : who,
                       p.platform, a.priority, a.sentiment, Excerpt(p.text, 200));
  }
  return out;
}

std::string LocalTime(Timestamp t, const std::string& timezone) {
  try {
    return date::format("%Y-%m-%d %H:%M",
                        date::zoned_time(timezone, date::floor<std::chrono::minutes>(t)).get_local_time());
  } catch (const std::exception&) {
    return FormatIsoTimestamp(t);
  }
}

value PostJson(const PostOutcome& worst) {
  const Post& p = worst.post.post;
  value post = value::object();
  post["platform"] = value::string(p.platform);
  post["author"] = value::string(p.author.handle.empty() ? p.author.name : p.author.handle);
  post["author_reach"] = value::number(p.author.reach);
  post["text"] = value::string(p.text);
  post["url"] = value::string(p.url);
  if (p.rating) post["rating"] = value::number(*p.rating);
  post["language"] = value::string(p.language);
  return post;
}

// The payload the dispatcher renders from: title, priority, summary, and the worst post quoted.
std::string Payload(const std::string& title, int priority, const std::string& summary,
                    const std::vector<PostOutcome>& worst, value extra) {
  value payload = extra.is_object() ? extra : value::object();
  payload["title"] = value::string(title);
  payload["priority"] = value::number(priority);
  payload["summary"] = value::string(summary);
  if (!worst.empty()) {
    payload["post"] = PostJson(worst.front());
    value reasons = value::array();
    for (const std::string& reason : worst.front().assessment->reasons) reasons[reasons.size()] = value::string(reason);
    payload["reasons"] = reasons;
  }
  return payload.serialize();
}

}  // namespace

std::string DigestTitle(const DigestContent& d) {
  return fmt::format("{} digest: {} posts, {} negative, {} unanswered cases ({} overdue)",
                     d.every == DigestEvery::kHourly ? "Hourly" : "Daily", d.posts.total(), d.posts.negative,
                     d.cases.unanswered, d.cases.overdue);
}

std::string DigestSummary(const DigestContent& d) {
  std::string out = fmt::format("{} – {} ({})\nPosts: {} (negative {}, neutral {}, positive {}, not judged yet {})",
                                LocalTime(d.period.from, d.timezone), LocalTime(d.period.to, d.timezone), d.timezone,
                                d.posts.total(), d.posts.negative, d.posts.neutral, d.posts.positive,
                                d.posts.unassessed);
  out += fmt::format("\nCases: {} unanswered, {} overdue", d.cases.unanswered, d.cases.overdue);
  if (d.held_back > 0) out += fmt::format("\nHeld back by throttling: {} more alerts", d.held_back);
  if (!d.worst.empty()) out += "\nWorst posts:" + WorstLines(d.worst);
  return out;
}

std::string SpikeTitle(const Spike& spike, const SpikeSettings& settings) {
  return fmt::format("Spike: {} negative posts in {} min (normally {:.1f})", spike.count, settings.window.count(),
                     spike.normal);
}

std::string SpikeSummary(const Spike& spike, const SpikeSettings& settings, const std::vector<PostOutcome>& worst) {
  std::string out = fmt::format(
      "{} negative posts in the last {} min; the normal rate over the last {} days is {:.1f} per {} min, and a "
      "spike starts at {}.",
      spike.count, settings.window.count(), settings.baseline.count(), spike.normal, settings.window.count(),
      spike.threshold);
  if (!worst.empty()) out += "\nWorst posts:" + WorstLines(worst);
  return out;
}

AlertScanner::AlertScanner(Store& store, const Clock& clock, AlertScannerOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

Result<ScanReport> AlertScanner::Scan() {
  const Timestamp now = clock_.Now();
  const bool spike_due = !last_spike_check_ || now - *last_spike_check_ >= options_.spike_every;
  auto brands = store_.ListBrands();
  if (!brands) return Fail(brands.error());
  ScanReport report;
  for (const Brand& brand : *brands) {
    auto rules = LoadAlertRules(brand);
    if (!rules) continue;
    if (spike_due && rules->spike.enabled) {
      if (auto checked = CheckSpike(brand, rules->spike, now, report); !checked) return Fail(checked.error());
    }
    if (spike_due && !rules->source_health_route.empty()) {
      if (auto checked = CheckSources(brand, rules->source_health_route, now, report); !checked)
        return Fail(checked.error());
    }
    if (rules->digest.enabled) {
      if (auto written = WriteDigest(brand, rules->digest, now, report); !written) return Fail(written.error());
    }
  }
  if (spike_due) last_spike_check_ = now;
  return report;
}

Status AlertScanner::CheckSpike(const Brand& brand, const SpikeSettings& spike, Timestamp now, ScanReport& report) {
  if (!spikes_.Seeded(brand.id)) {
    auto last = store_.LatestAlert(brand.id, "spike");
    if (!last) return Fail(last.error());
    spikes_.Seed(brand.id, *last ? std::optional<Timestamp>((*last)->created_at) : std::nullopt);
  }
  const Timestamp window_start = now - spike.window;
  auto window = store_.CountPostsBySentiment(brand.id, window_start, now);
  if (!window) return Fail(window.error());
  // The baseline in whole hours before the window's hour; past hours hardly change, so each is read once.
  const Timestamp baseline_end = std::chrono::floor<std::chrono::hours>(window_start);
  const Timestamp baseline_start = baseline_end - spike.baseline;
  auto& hours = baseline_hours_[brand.id];
  hours.erase(hours.begin(), hours.lower_bound(baseline_start));
  std::size_t read = 0;
  for (Timestamp hour = baseline_end - std::chrono::hours(1);
       hour >= baseline_start && read < options_.baseline_hours_per_scan; hour -= std::chrono::hours(1)) {
    if (hours.contains(hour)) continue;
    auto counted = store_.CountPostsBySentiment(brand.id, hour, hour + std::chrono::hours(1));
    if (!counted) return Fail(counted.error());
    hours[hour] = counted->negative;
    ++read;
  }
  SpikeCounts counts{window->negative, 0, std::chrono::minutes(0)};
  for (auto it = hours.begin(); it != hours.end() && it->first < baseline_end; ++it) {
    counts.baseline_negative += it->second;
    *counts.baseline_span += std::chrono::hours(1);
  }
  auto found = spikes_.Observe(brand.id, spike, counts, now);
  if (!found) return {};
  auto worst = store_.WorstPosts(brand.id, window_start, now, static_cast<std::size_t>(spike.worst_posts));
  if (!worst) return Fail(worst.error());
  value extra = value::object();
  extra["count"] = value::number(found->count);
  extra["normal"] = value::number(found->normal);
  extra["threshold"] = value::number(found->threshold);
  extra["window_minutes"] = value::number(static_cast<std::int64_t>(spike.window.count()));
  if (!options_.app_url.empty())
    extra["link"] = value::string(fmt::format("{}/brands/{}/posts?label=neg", options_.app_url, brand.slug));
  Alert alert;
  alert.brand_id = brand.id;
  alert.route = spike.route;
  alert.kind = "spike";
  alert.dedup_key = fmt::format("spike:{}:{}", brand.id, UnixSeconds(found->started_at));
  alert.payload = Payload(SpikeTitle(*found, spike), spike.priority, SpikeSummary(*found, spike, *worst), *worst,
                          std::move(extra));
  auto written = store_.EnqueueAlert(alert, std::nullopt, now);
  if (!written) return Fail(written.error());
  if (*written) ++report.spikes;
  return {};
}

Status AlertScanner::CheckSources(const Brand& brand, const std::string& route, Timestamp now, ScanReport& report) {
  auto sources = store_.ListSources(brand.id);
  if (!sources) return Fail(sources.error());
  for (const Source& source : *sources) {
    if (source.health != SourceHealth::kNeedsHuman || source.paused) continue;
    // A source that needs a person is not polled again until `odziv source resume`: the time of the poll
    // that failed names the incident, and a later incident has a later one.
    const Timestamp failed_at = source.last_poll_at.value_or(source.created_at);
    value payload = value::object();
    payload["title"] = value::string(fmt::format("Source {} ({}) needs a person", source.name, source.platform));
    payload["priority"] = value::number(2);
    payload["summary"] = value::string(fmt::format(
        "{}\nNo posts are fetched from it until the problem is fixed and `odziv source resume {}` is run.",
        source.last_error.empty() ? "Its last poll failed." : source.last_error, source.name));
    payload["source"] = value::string(source.name);
    Alert alert;
    alert.brand_id = brand.id;
    alert.route = route;
    alert.kind = "source_unhealthy";
    alert.dedup_key = fmt::format("source:{}:needs_human:{}", source.id, UnixSeconds(failed_at));
    alert.payload = payload.serialize();
    auto written = store_.EnqueueAlert(alert, std::nullopt, now);
    if (!written) return Fail(written.error());
    if (*written) ++report.sources;
  }
  return {};
}

Status AlertScanner::WriteDigest(const Brand& brand, const DigestSettings& digest, Timestamp now,
                                 ScanReport& report) {
  const DigestSettings::Period period = digest.LastPeriod(now);
  if (auto it = digest_written_.find(brand.id); it != digest_written_.end() && it->second >= period.to) return {};
  DigestContent content;
  content.brand_name = brand.name;
  content.every = digest.every;
  content.period = period;
  content.timezone = digest.timezone;
  auto posts = store_.CountPostsBySentiment(brand.id, period.from, period.to);
  if (!posts) return Fail(posts.error());
  content.posts = *posts;
  auto cases = store_.CountUnansweredCases(brand.id, period.to);
  if (!cases) return Fail(cases.error());
  content.cases = *cases;
  auto held = store_.ListBrandAlerts(brand.id, "suppressed", period.from, period.to, 10000);
  if (!held) return Fail(held.error());
  content.held_back = held->size();
  auto worst = store_.WorstPosts(brand.id, period.from, period.to, static_cast<std::size_t>(digest.worst_posts));
  if (!worst) return Fail(worst.error());
  content.worst = std::move(*worst);
  const std::string title = DigestTitle(content);
  const std::string summary = DigestSummary(content);
  for (const std::string& route : digest.routes) {
    value extra = value::object();
    extra["period_from"] = value::string(FormatIsoTimestamp(period.from));
    extra["period_to"] = value::string(FormatIsoTimestamp(period.to));
    if (!options_.app_url.empty()) extra["link"] = value::string(fmt::format("{}/brands/{}", options_.app_url, brand.slug));
    Alert alert;
    alert.brand_id = brand.id;
    alert.route = route;
    alert.kind = "digest";
    alert.dedup_key = fmt::format("digest:{}:{}:{}", brand.id, route, UnixSeconds(period.to));
    alert.payload = Payload(title, 4, summary, content.worst, std::move(extra));
    auto written = store_.EnqueueAlert(alert, std::nullopt, now);
    if (!written) return Fail(written.error());
    if (*written) ++report.digests;
  }
  digest_written_[brand.id] = period.to;
  return {};
}

}  // namespace odziv::daemon
