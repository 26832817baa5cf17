#pragma once
/// A light parser for plain Objektholder chunks: elements and attributes only, in reused memory.
///
/// It reads the common case (tags, attributes in quotes, text) and declines everything else
/// (references, comments, CDATA, processing instructions, control characters or non-ASCII bytes
/// in names or values, anything unexpected): the caller then parses the chunk with pugixml as
/// before, so errors and odd input are always handled by the one path that reports them. Where
/// it accepts a chunk, its tree is what pugixml (parse_default) builds, without the text nodes.
/// Its nodes offer the part of pugixml's node and attribute API that the converter uses.

#include <cstdint>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace nprcheck::reader {

class FastDoc;
class FastChildren;

/// An attribute of a FastDoc element (null when default-constructed).
class FastAttr {
 public:
  FastAttr() = default;
  FastAttr(const FastDoc* doc, uint32_t idx) : doc_(doc), idx_(idx) {}
  explicit operator bool() const { return doc_ != nullptr; }
  bool operator!() const { return doc_ == nullptr; }
  /// The qualified name, NUL-terminated.
  [[nodiscard]] const char* name() const;
  /// The value (no references, no white space to normalise), NUL-terminated.
  [[nodiscard]] const char* value() const;
  /// The next attribute of the same element, or null.
  [[nodiscard]] FastAttr next_attribute() const;

 private:
  const FastDoc* doc_ = nullptr;
  uint32_t idx_ = 0;
};

/// An element of a FastDoc (null when default-constructed).
class FastNode {
 public:
  FastNode() = default;
  FastNode(const FastDoc* doc, uint32_t idx) : doc_(doc), idx_(idx) {}
  explicit operator bool() const { return doc_ != nullptr; }
  bool operator!() const { return doc_ == nullptr; }
  bool operator==(const FastNode& o) const { return doc_ == o.doc_ && idx_ == o.idx_; }
  bool operator!=(const FastNode& o) const { return !(*this == o); }
  /// Always an element (text is not kept).
  [[nodiscard]] pugi::xml_node_type type() const { return pugi::node_element; }
  [[nodiscard]] const char* name() const;
  [[nodiscard]] FastNode first_child() const;
  [[nodiscard]] FastNode next_sibling() const;
  [[nodiscard]] FastNode parent() const;
  [[nodiscard]] FastAttr first_attribute() const;
  /// The offset of the name (after '<') in the chunk, as pugixml's offset_debug().
  [[nodiscard]] ptrdiff_t offset_debug() const;

  /// The children, for range-for.
  [[nodiscard]] FastChildren children() const;

 private:
  const FastDoc* doc_ = nullptr;
  uint32_t idx_ = 0;
};

/// The children of a FastNode, for range-for.
class FastChildren {
 public:
  class Iterator {
   public:
    explicit Iterator(FastNode n) : n_(n) {}
    FastNode operator*() const { return n_; }
    Iterator& operator++() {
      n_ = n_.next_sibling();
      return *this;
    }
    bool operator!=(const Iterator& o) const { return n_ != o.n_; }

   private:
    FastNode n_;
  };
  explicit FastChildren(FastNode first) : first_(first) {}
  [[nodiscard]] Iterator begin() const { return Iterator(first_); }
  [[nodiscard]] Iterator end() const { return Iterator(FastNode()); }

 private:
  FastNode first_;
};

/// The tree of one chunk; reuse one per thread (its vectors keep their capacity).
class FastDoc {
 public:
  /// Parses `text` (one element, from its '<' to its end tag's '>'); false when declined.
  bool parse(std::string_view text);
  /// The root element (valid after a successful parse()).
  [[nodiscard]] FastNode root() const { return {this, 0}; }

 private:
  friend class FastNode;
  friend class FastAttr;
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Element {
    uint32_t name;  // offset into buf_
    uint32_t name_len;
    uint32_t parent = kNone;
    uint32_t first_child = kNone;
    uint32_t last_child = kNone;
    uint32_t next_sibling = kNone;
    uint32_t first_attr = kNone;
    uint32_t attrs = 0;
    uint32_t offset;  // of the name in the chunk
  };
  struct Attribute {
    uint32_t name;  // offset into buf_
    uint32_t name_len;
    uint32_t value;  // offset into buf_
    uint32_t value_len;
    uint32_t owner;  // element
  };

  std::vector<Element> elements_;
  std::vector<Attribute> attributes_;
  std::vector<uint32_t> open_;
  std::string buf_;  // the chunk, names and values NUL-terminated in place after parse()
};

inline const char* FastAttr::name() const {
  return doc_->buf_.data() + doc_->attributes_[idx_].name;
}
inline const char* FastAttr::value() const {
  return doc_->buf_.data() + doc_->attributes_[idx_].value;
}
inline FastAttr FastAttr::next_attribute() const {
  const auto& a = doc_->attributes_[idx_];
  const auto& e = doc_->elements_[a.owner];
  return idx_ + 1 < e.first_attr + e.attrs ? FastAttr(doc_, idx_ + 1) : FastAttr();
}
inline const char* FastNode::name() const { return doc_->buf_.data() + doc_->elements_[idx_].name; }
inline FastNode FastNode::first_child() const {
  uint32_t c = doc_->elements_[idx_].first_child;
  return c == FastDoc::kNone ? FastNode() : FastNode(doc_, c);
}
inline FastNode FastNode::next_sibling() const {
  uint32_t c = doc_->elements_[idx_].next_sibling;
  return c == FastDoc::kNone ? FastNode() : FastNode(doc_, c);
}
inline FastNode FastNode::parent() const {
  uint32_t c = doc_->elements_[idx_].parent;
  return c == FastDoc::kNone ? FastNode() : FastNode(doc_, c);
}
inline FastAttr FastNode::first_attribute() const {
  const auto& e = doc_->elements_[idx_];
  return e.attrs == 0 ? FastAttr() : FastAttr(doc_, e.first_attr);
}
inline FastChildren FastNode::children() const { return FastChildren(first_child()); }
inline ptrdiff_t FastNode::offset_debug() const { return doc_->elements_[idx_].offset; }

}  // namespace nprcheck::reader
