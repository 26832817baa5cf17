// Elements: the element stack, and what is outside Objektholder (MsgHead, Melding, Institusjon,
// Enhet).
#include "reader_impl.hpp"

namespace nprcheck::reader {

void ReaderImpl::start_name_done() {
  attrs_.clear();
  attr_set_.clear();
  if (stack_.empty()) {
    if (root_seen_) {
      fatal(tok_, "a second root element <" + shown_name() + "> after the end of the message");
      return;
    }
    root_seen_ = true;
    auto l = local();
    extract_root_ = l == "Melding" || l == "MsgHead";
    if (!extract_root_) {
      fatal(tok_, "not an NPR-melding: the root element is <" + shown_name() +
                      ">, expected <Melding> or <MsgHead>");
    }
  }
}

Kind ReaderImpl::classify() const {
  if (mode_ != Mode::kHeader) return Kind::kOther;
  auto l = local();
  if (stack_.empty()) return l == "Melding" ? Kind::kMelding : Kind::kMsgHead;
  if (melding_open_ == 0) {
    return l == "Melding" && stack_.front().kind == Kind::kMsgHead ? Kind::kMelding : Kind::kOther;
  }
  if (l == "Institusjon") return Kind::kInstitusjon;
  if (l == "Enhet") return Kind::kEnhet;
  if (l == "Objektholder") return Kind::kObjektholder;
  return Kind::kOther;
}

void ReaderImpl::finish_start(bool empty) {
  st_ = St::kText;
  if (stack_.size() >= kMaxDepth) {
    fatal(tok_, "elements nested deeper than " + std::to_string(kMaxDepth));
    return;
  }
  Kind kind = classify();
  Open o{name_hash_,
         name_len_,
         tok_.line,
         static_cast<uint32_t>(stack_names_.size()),
         static_cast<uint16_t>(name_keep_.len),
         kind};
  stack_names_.append(name_keep_.buf, name_keep_.len);
  stack_.push_back(o);
  if (mode_ == Mode::kHeader) header_start(kind);
  if (empty && !done_) pop_element();
}

void ReaderImpl::finish_end() {
  st_ = St::kText;
  if (stack_.empty()) {
    fatal(tok_, "end tag </" + shown_name() + "> without a start tag");
    return;
  }
  const Open& top = stack_.back();
  if (top.hash != name_hash_ || top.name_len != name_len_) {
    fatal(tok_, "end tag </" + shown_name() + "> does not match <" + open_name(top) +
                    "> opened at line " + std::to_string(top.line));
    return;
  }
  pop_element();
}

std::string ReaderImpl::open_name(const Open& o) const {
  std::string s = stack_names_.substr(o.name_off, o.name_keep);
  if (o.name_len > o.name_keep) s += "...";
  return s;
}

void ReaderImpl::pop_element() {
  Open top = stack_.back();
  stack_.pop_back();
  stack_names_.resize(top.name_off);
  while (!namespaces_.empty() && namespaces_.back().depth > stack_.size()) namespaces_.pop_back();
  switch (top.kind) {
    case Kind::kMelding:
      --melding_open_;
      break;
    case Kind::kObjektholder:
      end_chunk();
      break;
    default:
      break;
  }
}

void ReaderImpl::header_start(Kind kind) {
  // Namespace declarations and attributes are read from the tag text, still in the buffer.
  std::string_view tag;
  if (tag_kept_) {
    size_t i0 = static_cast<size_t>(tok_.abs - base_);
    tag = buf_.view(i0, pos_ + 1 - i0);
    split_attributes(tag, raw_attrs_);
  } else {
    raw_attrs_.clear();
  }
  for (const auto& a : raw_attrs_) {
    if (namespaces_.size() >= kMaxNamespaces) break;
    if (a.qname == "xmlns") {
      namespaces_.push_back({stack_.size(), "", attribute_value(a.raw_value)});
    } else if (a.qname.substr(0, 6) == "xmlns:") {
      namespaces_.push_back(
          {stack_.size(), std::string(a.qname.substr(6)), attribute_value(a.raw_value)});
    }
  }
  switch (kind) {
    case Kind::kMelding: {
      ++melding_open_;
      melding_seen_ = true;
      MeldingInfo m;
      m.file = path_;
      m.file_id = file_id_;
      m.versjon = attribute("versjon");
      m.meldingstype = attribute("meldingstype");
      std::string_view q = name_keep_.view();
      auto colon = q.find(':');
      std::string prefix = colon == std::string_view::npos ? "" : std::string(q.substr(0, colon));
      for (auto it = namespaces_.rbegin(); it != namespaces_.rend(); ++it) {
        if (it->prefix == prefix) {
          m.namespace_uri = it->uri;
          break;
        }
      }
      base_info_ = m;
      info_ = std::make_shared<MeldingInfo>(std::move(m));
      break;
    }
    case Kind::kInstitusjon: {
      auto m = std::make_shared<MeldingInfo>(base_info_);
      m->institusjon_id = attribute("institusjonID");
      info_ = std::move(m);
      break;
    }
    case Kind::kEnhet: {
      if (!tag_kept_) break;
      Enhet e;
      e.line = tok_.line;
      e.enhet_id = attribute("enhetID");
      e.resh_id = attribute("reshID");
      e.enhet_lokal = attribute("enhetLokal");
      e.org_nr = attribute("orgNr");
      // Names and ids reach every report: bounded like the Objektholder's attributes.
      if (std::string why = too_long(e); !why.empty()) {
        report(tok_, why);
        break;
      }
      if (e.enhet_id.empty()) {
        report(tok_, has_attribute("enhetID")
                         ? "empty value for required attribute 'enhetID' on <Enhet>"
                         : "missing required attribute 'enhetID' on <Enhet>");
        break;
      }
      // Copy on write: episodes already handed out keep the MeldingInfo they were given.
      auto m = std::make_shared<MeldingInfo>(*info_);
      m->enheter.push_back(std::move(e));
      m->index_enheter();
      info_ = std::move(m);
      break;
    }
    case Kind::kObjektholder:
      chunk_ = tok_;
      chunk_bad_ = !tag_kept_;  // a start tag beyond the limit was reported already
      mode_ = tag_kept_ ? Mode::kChunk : Mode::kSkip;
      break;
    default:
      break;
  }
}

std::string ReaderImpl::too_long(const Enhet& e) {
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string*>{"enhetID", &e.enhet_id},
        {"reshID", &e.resh_id},
        {"enhetLokal", &e.enhet_lokal},
        {"orgNr", &e.org_nr}}) {
    if (value->size() > attribute_limit(name)) {
      return std::string("value of '") + name + "' on <Enhet> is " + std::to_string(value->size()) +
             " bytes long (at most " + std::to_string(attribute_limit(name)) + ")";
    }
  }
  return {};
}

std::string ReaderImpl::attribute(std::string_view local_wanted) const {
  for (const auto& a : raw_attrs_) {
    if (local_name(a.qname) == local_wanted && a.qname.substr(0, 6) != "xmlns:") {
      return sanitize_utf8(attribute_value(a.raw_value));
    }
  }
  return {};
}

bool ReaderImpl::has_attribute(std::string_view local_wanted) const {
  for (const auto& a : raw_attrs_) {
    if (local_name(a.qname) == local_wanted) return true;
  }
  return false;
}

}  // namespace nprcheck::reader
