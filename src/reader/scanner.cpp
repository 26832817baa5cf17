// The tokeniser: one byte at a time (with fast paths over plain text), lexer states, UTF-8.
#include <cctype>
#include <cstring>

#include "reader_impl.hpp"

namespace nprcheck::reader {

bool ReaderImpl::in_tag() const {
  switch (st_) {
    case St::kStartName:
    case St::kTagSpace:
    case St::kAttrName:
    case St::kAttrEq:
    case St::kAttrQuote:
    case St::kAttrValue:
    case St::kAfterValue:
    case St::kEmptyEnd:
      return true;
    case St::kRef:
      return ref_return_ == St::kAttrValue;
    default:
      return false;
  }
}

void ReaderImpl::pump() {
  while (!produced() && !done_) {
    if (pos_ >= buf_.size()) {
      if (!refill()) {
        if (!done_) at_end();
        return;
      }
      continue;
    }
    scan();
  }
}

void ReaderImpl::newline() {
  ++line_;
  line_start_ = abs(pos_) + 1;
}

void ReaderImpl::name_reset() {
  name_hash_ = kFnvBasis;
  name_len_ = 0;
  local_len_ = 0;
  local_over_ = false;
  name_keep_.clear();
}

void ReaderImpl::utf8_byte(unsigned char c) {
  if (u8_need_ == 0) {
    if (c >= 0xC2 && c <= 0xDF) {
      u8_need_ = 1;
      u8_cp_ = c & 0x1F;
      u8_min_ = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      u8_need_ = 2;
      u8_cp_ = c & 0x0F;
      u8_min_ = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      u8_need_ = 3;
      u8_cp_ = c & 0x07;
      u8_min_ = 0x10000;
    } else {
      bad_utf8(c);
      return;
    }
    u8_start_ = here();
    u8_lead_ = c;
    return;
  }
  if ((c & 0xC0) != 0x80) {
    cut_utf8();
    utf8_byte(c);  // the byte may start a character of its own
    return;
  }
  u8_cp_ = (u8_cp_ << 6) | (c & 0x3F);
  if (--u8_need_ == 0) {
    if (u8_cp_ < u8_min_ || (u8_cp_ >= 0xD800 && u8_cp_ <= 0xDFFF) || u8_cp_ > 0x10FFFF) {
      recoverable(u8_start_, "invalid UTF-8 (overlong, surrogate or beyond U+10FFFF)");
    } else if (!is_xml_char(u8_cp_)) {
      recoverable(u8_start_, "character U+" + hex(u8_cp_) + " is not allowed in XML");
    }
  }
}

void ReaderImpl::cut_utf8() {
  u8_need_ = 0;
  bad_utf8_at(u8_start_, "invalid UTF-8: byte 0x" + hex(u8_lead_) +
                             " is not followed by the rest of its character");
}

void ReaderImpl::bad_utf8_at(const Pos& p, std::string msg) {
  if (p.line == u8_error_line_) {  // one encoding error per line is enough
    complete_ = false;
    if (mode_ != Mode::kHeader) chunk_bad_ = true;
    return;
  }
  u8_error_line_ = p.line;
  if (!encoding_declared_ && !u8_hinted_) {
    u8_hinted_ = true;
    msg +=
        " (the file is not UTF-8; an ISO-8859-1 or windows-1252 file must say so in its "
        "XML declaration, <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>)";
  }
  recoverable(p, std::move(msg));
}

std::string ReaderImpl::hex(uint32_t v) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  do {
    out.insert(out.begin(), digits[v & 0xF]);
    v >>= 4;
  } while (v != 0);
  if (out.size() < 2) out.insert(out.begin(), '0');
  if (out.size() == 3) out.insert(out.begin(), '0');
  return out;
}

void ReaderImpl::scan() {
  const auto* data = reinterpret_cast<const unsigned char*>(buf_.data());
  const size_t n = buf_.size();
  while (pos_ < n && !done_ && !produced()) {
    // Fast paths over plain ASCII.
    if (u8_need_ > 0) {
      // inside a multi-byte character: no fast path
    } else if (st_ == St::kText && !stack_.empty()) {
      // Line feeds in text need nothing but the line count (step() does nothing with them).
      size_t p = pos_;
      for (;;) {
        while (p < n && kChars.text[data[p]]) ++p;
        if (p == n || data[p] != '\n') break;
        ++line_;
        line_start_ = base_ + p + 1;
        ++p;
      }
      pos_ = p;
      if (p == n) break;
      // A tag: '<' and the first byte of its name (or "</" and the first byte of the end tag's
      // name), as step() takes them one by one.
      if (data[p] == '<' && p + 2 < n) {
        const unsigned char d = data[p + 1];
        const bool end = d == '/';
        const unsigned char first = end ? data[p + 2] : d;
        if (first < 0x80 && is_name_start(first)) {
          begin_token();
          name_reset();
          name_add(first);
          st_ = end ? St::kEndName : St::kStartName;
          pos_ = end ? p + 3 : p + 2;
          continue;
        }
      }
    } else if (st_ == St::kAttrValue) {
      size_t p = pos_;
      for (;;) {
        while (p < n && kChars.attr[data[p]]) ++p;
        if (p == n || data[p] != '\n') break;
        ++line_;
        line_start_ = base_ + p + 1;
        ++p;
      }
      pos_ = p;
      if (p == n) break;
      // The closing quote and a space after it (another attribute follows): what step() does
      // with the two bytes (kAfterValue, then kTagSpace).
      if (data[p] == static_cast<unsigned char>(quote_) && p + 1 < n && data[p + 1] == ' ') {
        st_ = St::kTagSpace;
        pos_ = p + 2;
        continue;
      }
      // The closing quote and the end of the tag, '>' or "/>" (kAfterValue, kEmptyEnd).
      if (data[p] == static_cast<unsigned char>(quote_) && p + 1 < n) {
        const bool empty = data[p + 1] == '/';
        const size_t gt = empty ? p + 2 : p + 1;
        if (gt < n && data[gt] == '>') {
          pos_ = gt;
          finish_start(empty);
          ++pos_;
          continue;
        }
      }
    } else if ((st_ == St::kStartName || st_ == St::kEndName) && name_len_ > 0) {
      size_t p = pos_;
      while (p < n && data[p] < 0x80 && kChars.name[data[p]]) ++p;
      name_add_span(data + pos_, p - pos_);
      pos_ = p;
      if (p == n) break;
      if (st_ == St::kStartName && data[p] == ' ') {  // what step() does with the space
        name_done();
        start_name_done();
        st_ = St::kTagSpace;
        pos_ = p + 1;
        continue;
      }
      if (st_ == St::kEndName && data[p] == '>') {  // what step() does with the '>'
        name_done();
        finish_end();
        ++pos_;
        continue;
      }
    } else if (st_ == St::kAttrName) {
      size_t p = pos_;
      while (p < n && data[p] < 0x80 && kChars.name[data[p]]) ++p;
      attr_add_span(data + pos_, p - pos_);
      pos_ = p;
      if (p == n) break;
    } else if (st_ == St::kTagSpace) {
      size_t p = pos_;
      while (p < n && (data[p] == ' ' || data[p] == '\t')) ++p;
      pos_ = p;
      if (p == n) break;
      // An attribute: its name, '=' and the opening quote, as step() takes them one by one.
      if (data[p] < 0x80 && is_name_start(data[p])) {
        attr_hash_ = kFnvBasis;
        attr_len_ = 0;
        attr_keep_.clear();
        size_t q = p;
        while (q < n && data[q] < 0x80 && kChars.name[data[q]]) ++q;
        attr_add_span(data + p, q - p);
        st_ = St::kAttrName;
        pos_ = q;
        if (q + 1 < n && data[q] == '=' && (data[q + 1] == '"' || data[q + 1] == '\'')) {
          attr_name_done();  // at the '=' (a duplicate is reported there)
          st_ = St::kAttrQuote;
          pos_ = q + 1;
          if (!done_) {
            quote_ = static_cast<char>(data[q + 1]);
            st_ = St::kAttrValue;
            pos_ = q + 2;
          }
        }
        continue;
      }
    }
    unsigned char c = data[pos_];
    if (c >= 0x80) {
      utf8_byte(c);
    } else {
      if (u8_need_ > 0) cut_utf8();
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        recoverable(here(), c == 0 ? std::string("NUL byte: not allowed in XML")
                                   : "control character U+00" + hex(c) + " is not allowed in XML");
        ++pos_;
        continue;
      }
    }
    step(c);
    if (c == '\n') newline();
    ++pos_;
  }
}

void ReaderImpl::begin_token() {
  tok_ = here();
  tag_kept_ = true;
}

void ReaderImpl::step(unsigned char c) {
  switch (st_) {
    case St::kText:
      if (c == '<') {
        begin_token();
        st_ = St::kLt;
      } else if (c == '&') {
        begin_ref(St::kText);
      } else if (stack_.empty() && !is_xml_space(c)) {
        if (c == 0xEF && buf_.view().substr(pos_, 3) == "\xEF\xBB\xBF") {
          fatal_here(root_seen_ ? "a byte order mark after the end of the root element"
                                : "a byte order mark that is not the first thing in the file "
                                  "(a second one, or one after white space)");
        } else if (!root_seen_) {
          fatal_here(pos_ == 0 && base_ == 0
                         ? "not an XML file: it does not start with '<' (no NPR-melding)"
                         : "text before the root element (no NPR-melding)");
        } else {
          fatal_here("text after the end of the root element");
        }
      }
      return;
    case St::kLt:
      if (c == '/') {
        name_reset();
        st_ = St::kEndName;
      } else if (c == '?') {
        pi_target_.clear();
        st_ = St::kPiTarget;
      } else if (c == '!') {
        bang_.clear();
        st_ = St::kBang;
      } else if (is_name_start(c)) {
        name_reset();
        name_add(c);
        st_ = St::kStartName;
      } else {
        fatal_here("'<' not followed by an element name");
      }
      return;
    case St::kStartName:
      if (kChars.name[c]) {
        name_add(c);
      } else if (is_xml_space(c)) {
        name_done();
        start_name_done();
        st_ = St::kTagSpace;
      } else if (c == '>') {
        name_done();
        start_name_done();
        if (!done_) finish_start(false);
      } else if (c == '/') {
        name_done();
        start_name_done();
        st_ = St::kEmptyEnd;
      } else {
        fatal_here(std::string("invalid character '") + static_cast<char>(c) +
                   "' in an element name");
      }
      return;
    case St::kTagSpace:
      if (is_xml_space(c)) return;
      if (c == '>') {
        finish_start(false);
      } else if (c == '/') {
        st_ = St::kEmptyEnd;
      } else if (is_name_start(c)) {
        attr_hash_ = kFnvBasis;
        attr_len_ = 0;
        attr_keep_.clear();
        attr_add(c);
        st_ = St::kAttrName;
      } else {
        fatal_here(std::string("unexpected character '") + static_cast<char>(c) + "' in <" +
                   shown_name() + ">");
      }
      return;
    case St::kAttrName:
      if (kChars.name[c]) {
        attr_add(c);
      } else if (c == '=') {
        attr_name_done();
        st_ = St::kAttrQuote;
      } else if (is_xml_space(c)) {
        attr_name_done();
        st_ = St::kAttrEq;
      } else {
        fatal_here("attribute '" + attr_keep_.str() + "' of <" + shown_name() + "> has no value");
      }
      return;
    case St::kAttrEq:
      if (is_xml_space(c)) return;
      if (c == '=') {
        st_ = St::kAttrQuote;
      } else {
        fatal_here("attribute '" + attr_keep_.str() + "' of <" + shown_name() + "> has no value");
      }
      return;
    case St::kAttrQuote:
      if (is_xml_space(c)) return;
      if (c == '"' || c == '\'') {
        quote_ = static_cast<char>(c);
        st_ = St::kAttrValue;
      } else {
        fatal_here("the value of attribute '" + attr_keep_.str() + "' of <" + shown_name() +
                   "> is not in quotes");
      }
      return;
    case St::kAttrValue:
      if (c == static_cast<unsigned char>(quote_)) {
        st_ = St::kAfterValue;
      } else if (c == '<') {
        fatal_here("'<' inside the value of attribute '" + attr_keep_.str() +
                   "' (a tag not closed?)");
      } else if (c == '&') {
        begin_ref(St::kAttrValue);
      }
      return;
    case St::kAfterValue:
      if (is_xml_space(c)) {
        st_ = St::kTagSpace;
      } else if (c == '>') {
        finish_start(false);
      } else if (c == '/') {
        st_ = St::kEmptyEnd;
      } else {
        fatal_here("missing white space after the value of attribute '" + attr_keep_.str() + "'");
      }
      return;
    case St::kEmptyEnd:
      if (c == '>') {
        finish_start(true);
      } else {
        fatal_here("expected '>' after '/' in <" + shown_name() + ">");
      }
      return;
    case St::kEndName:
      if (name_len_ == 0 ? is_name_start(c) : kChars.name[c]) {
        name_add(c);
      } else if (name_len_ > 0 && is_xml_space(c)) {
        name_done();
        st_ = St::kEndSpace;
      } else if (name_len_ > 0 && c == '>') {
        name_done();
        finish_end();
      } else {
        fatal_here("malformed end tag");
      }
      return;
    case St::kEndSpace:
      if (is_xml_space(c)) return;
      if (c == '>') {
        finish_end();
      } else {
        fatal_here("malformed end tag </" + shown_name() + ">");
      }
      return;
    case St::kPiTarget:
      if (kChars.name[c] && !(pi_target_.empty() && !is_name_start(c))) {
        if (pi_target_.size() < 8) pi_target_ += static_cast<char>(c);
      } else if (!pi_target_.empty() && (is_xml_space(c) || c == '?')) {
        pi_target_done();
        if (!done_) st_ = c == '?' ? St::kPiQuestion : St::kPi;
      } else {
        fatal_here("malformed processing instruction");
      }
      return;
    case St::kPi:
      if (c == '?') st_ = St::kPiQuestion;
      return;
    case St::kPiQuestion:
      if (c == '>') {
        st_ = St::kText;
      } else if (c != '?') {
        st_ = St::kPi;
      }
      return;
    case St::kBang:
      bang(c);
      return;
    case St::kComment:
      if (c == '-') {
        ++dashes_;
      } else if (c == '>' && dashes_ >= 2) {
        st_ = St::kText;
      } else {
        dashes_ = 0;
      }
      return;
    case St::kCdata:
      if (c == ']') {
        ++brackets_;
      } else if (c == '>' && brackets_ >= 2) {
        st_ = St::kText;
      } else {
        brackets_ = 0;
      }
      return;
    case St::kRef:
      if (c == ';') {
        end_ref();
      } else if (ref_.size() < 16 && (kChars.name[c] || c == '#')) {
        ref_ += static_cast<char>(c);
      } else {
        recoverable(ref_start_, "'&' that does not start a reference (write &amp;)");
        st_ = ref_return_;
        step(c);  // the byte belongs to the text or value again
      }
      return;
  }
}

void ReaderImpl::begin_ref(St back) {
  ref_return_ = back;
  ref_.clear();
  ref_start_ = here();
  st_ = St::kRef;
}

void ReaderImpl::end_ref() {
  st_ = ref_return_;
  if (auto problem = check_reference(ref_)) {
    recoverable(ref_start_, "bad reference '&" + ref_ + ";': " + *problem);
  }
}

void ReaderImpl::bang(unsigned char c) {
  bang_ += static_cast<char>(c);
  std::string_view b = bang_;
  if (b == "--") {
    dashes_ = 0;
    st_ = St::kComment;
  } else if (b == "[CDATA[") {
    if (stack_.empty()) {
      fatal(tok_, "CDATA section outside the root element");
      return;
    }
    brackets_ = 0;
    st_ = St::kCdata;
  } else if (b == "DOCTYPE") {
    fatal(tok_,
          "DOCTYPE declarations are refused: NPR-melding files have none, and entities are "
          "never expanded or fetched");
  } else if (b == "ENTITY" || b == "ELEMENT" || b == "ATTLIST") {
    fatal(tok_, "<!" + bang_ + "> declarations are refused (no DTD is ever read)");
  } else if (!(std::string_view("--").substr(0, b.size()) == b ||
               std::string_view("[CDATA[").substr(0, b.size()) == b ||
               std::string_view("DOCTYPE").substr(0, b.size()) == b ||
               std::string_view("ENTITY").substr(0, b.size()) == b ||
               std::string_view("ELEMENT").substr(0, b.size()) == b ||
               std::string_view("ATTLIST").substr(0, b.size()) == b)) {
    fatal(tok_, "malformed markup '<!" + bang_ + "'");
  }
}

void ReaderImpl::pi_target_done() {
  std::string t = pi_target_;
  for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (t == "xml") {
    if (tok_.abs != 0 || decl_seen_) {
      fatal(tok_, "an XML declaration (<?xml ...?>) is only allowed at the very start of the file");
      return;
    }
    decl_seen_ = true;
  }
}

}  // namespace nprcheck::reader
