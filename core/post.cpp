#include "core/post.h"

namespace odziv {

std::string_view PostKindName(PostKind kind) {
  switch (kind) {
    case PostKind::kMention: return "mention";
    case PostKind::kComment: return "comment";
    case PostKind::kReview: return "review";
    case PostKind::kMessage: return "message";
  }
  return "mention";
}

std::optional<PostKind> ParsePostKind(std::string_view name) {
  for (PostKind k : {PostKind::kMention, PostKind::kComment, PostKind::kReview, PostKind::kMessage})
    if (PostKindName(k) == name) return k;
  return std::nullopt;
}

}  // namespace odziv
