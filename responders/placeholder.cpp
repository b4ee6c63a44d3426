// Replaced by the drafting and alerting stage (issue: replies and alerts).
namespace odziv::responders {}
