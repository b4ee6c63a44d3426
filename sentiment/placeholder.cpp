// Replaced by the judging stage (issue: judging posts).
namespace odziv::sentiment {}
