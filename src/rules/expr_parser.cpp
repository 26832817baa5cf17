// Lexer and recursive-descent parser of the expression language, and of message templates.
#include <charconv>
#include <cstring>

#include "expr_ast.hpp"

namespace nprcheck::expr::detail {

namespace {

enum class Tok : uint8_t {
  kEnd,
  kIdent,
  kInt,
  kString,
  kTrue,
  kFalse,
  kIn,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kQuestion,
  kColon,
  kNot,
  kAnd,
  kOr,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kError,
};

struct Token {
  Tok kind = Tok::kEnd;
  uint32_t off = 0;
  uint32_t len = 0;
  std::string value;  // identifier, decoded string literal
  int64_t number = 0;
};

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

class Lexer {
 public:
  Lexer(std::string_view text, CompileError& error) : text_(text), error_(error) {}

  // Reads the next token; kError after setting the error.
  Token next() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
    Token t;
    t.off = static_cast<uint32_t>(pos_);
    if (pos_ >= text_.size()) return t;
    char c = text_[pos_];
    auto two = [&](char second) { return pos_ + 1 < text_.size() && text_[pos_ + 1] == second; };
    auto op = [&](Tok k, size_t n) {
      t.kind = k;
      t.len = static_cast<uint32_t>(n);
      pos_ += n;
      return t;
    };
    if (is_ident_start(c)) {
      size_t b = pos_;
      while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
      t.value = std::string(text_.substr(b, pos_ - b));
      t.len = static_cast<uint32_t>(pos_ - b);
      t.kind = t.value == "true"    ? Tok::kTrue
               : t.value == "false" ? Tok::kFalse
               : t.value == "in"    ? Tok::kIn
                                    : Tok::kIdent;
      return t;
    }
    if (c >= '0' && c <= '9') {
      size_t b = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      t.len = static_cast<uint32_t>(pos_ - b);
      if (pos_ < text_.size() && is_ident_char(text_[pos_])) {
        return fail(t, "unexpected character '" + std::string(1, text_[pos_]) + "' after a number");
      }
      auto [ptr, ec] = std::from_chars(text_.data() + b, text_.data() + pos_, t.number);
      (void)ptr;
      if (ec != std::errc()) return fail(t, "integer literal too large");
      t.kind = Tok::kInt;
      return t;
    }
    if (c == '\'' || c == '"') return string_literal(t, c);
    switch (c) {
      case '(':
        return op(Tok::kLParen, 1);
      case ')':
        return op(Tok::kRParen, 1);
      case '[':
        return op(Tok::kLBracket, 1);
      case ']':
        return op(Tok::kRBracket, 1);
      case ',':
        return op(Tok::kComma, 1);
      case '.':
        return op(Tok::kDot, 1);
      case '?':
        return op(Tok::kQuestion, 1);
      case ':':
        return op(Tok::kColon, 1);
      case '+':
        return op(Tok::kPlus, 1);
      case '-':
        return op(Tok::kMinus, 1);
      case '!':
        return two('=') ? op(Tok::kNe, 2) : op(Tok::kNot, 1);
      case '<':
        return two('=') ? op(Tok::kLe, 2) : op(Tok::kLt, 1);
      case '>':
        return two('=') ? op(Tok::kGe, 2) : op(Tok::kGt, 1);
      case '=':
        if (two('=')) return op(Tok::kEq, 2);
        t.len = 1;
        return fail(t, "unexpected '='; did you mean '=='?");
      case '&':
        if (two('&')) return op(Tok::kAnd, 2);
        t.len = 1;
        return fail(t, "unexpected '&'; did you mean '&&'?");
      case '|':
        if (two('|')) return op(Tok::kOr, 2);
        t.len = 1;
        return fail(t, "unexpected '|'; did you mean '||'?");
      default:
        break;
    }
    t.len = 1;
    if (static_cast<unsigned char>(c) >= 0x80 || c < 0x20) {
      return fail(t, "unexpected character (byte 0x" + hex(c) + ") outside a string literal");
    }
    return fail(t, "unexpected character '" + std::string(1, c) + "'");
  }

  [[nodiscard]] size_t pos() const { return pos_; }

 private:
  static std::string hex(char c) {
    static const char* digits = "0123456789ABCDEF";
    auto u = static_cast<unsigned char>(c);
    return {digits[u >> 4], digits[u & 15]};
  }

  Token fail(Token t, std::string message) {
    error_.offset = t.off;
    error_.length = t.len == 0 ? 1 : t.len;
    error_.message = std::move(message);
    t.kind = Tok::kError;
    return t;
  }

  Token string_literal(Token t, char quote) {
    size_t b = pos_++;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_];
      if (c == '\\' && pos_ + 1 < text_.size()) {
        char e = text_[pos_ + 1];
        switch (e) {
          case '\\':
          case '\'':
          case '"':
            out += e;
            break;
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          default: {
            Token bad = t;
            bad.off = static_cast<uint32_t>(pos_);
            bad.len = 2;
            return fail(bad, std::string("unknown escape '\\") + e +
                                 "' in a string literal (use \\\\, \\', \\\", \\n or \\t)");
          }
        }
        pos_ += 2;
        continue;
      }
      out += c;
      ++pos_;
    }
    if (pos_ >= text_.size()) {
      t.len = static_cast<uint32_t>(pos_ - b);
      return fail(t, std::string("unterminated string literal: missing closing ") + quote);
    }
    ++pos_;
    t.kind = Tok::kString;
    t.len = static_cast<uint32_t>(pos_ - b);
    t.value = std::move(out);
    return t;
  }

  std::string_view text_;
  CompileError& error_;
  size_t pos_ = 0;
};

std::string describe(const Token& t, std::string_view text) {
  if (t.kind == Tok::kEnd) return "end of expression";
  return "'" + std::string(text.substr(t.off, t.len)) + "'";
}

class Parser {
 public:
  Parser(std::string_view text, CompileError& error, uint32_t base)
      : text_(text), lexer_(text, error), error_(error), base_(base) {
    advance();
  }

  NodePtr parse_all() {
    if (failed_) return nullptr;
    if (tok_.kind == Tok::kEnd) {
      fail_at(tok_.off, 1, "empty expression");
      return nullptr;
    }
    NodePtr n = expression();
    if (!n) return nullptr;
    if (tok_.kind != Tok::kEnd) {
      fail_tok("unexpected " + describe(tok_, text_) + " after the end of the expression");
      return nullptr;
    }
    return n;
  }

 private:
  void advance() {
    if (failed_) return;
    tok_ = lexer_.next();
    if (tok_.kind == Tok::kError) {
      failed_ = true;
      error_.offset += base_;
    }
  }

  void fail_at(uint32_t off, uint32_t len, std::string message) {
    if (failed_ && !error_.message.empty()) return;
    failed_ = true;
    error_.offset = off;
    error_.length = len == 0 ? 1 : len;
    error_.message = std::move(message);
  }
  void fail_tok(std::string message) { fail_at(tok_.off + base_, tok_.len, std::move(message)); }

  bool expect(Tok k, const char* what, const char* context) {
    if (failed_) return false;
    if (tok_.kind == k) {
      advance();
      return !failed_;
    }
    fail_tok(std::string("expected '") + what + "'" + context + ", got " + describe(tok_, text_));
    return false;
  }

  NodePtr make(Op op, uint32_t off, uint32_t len) {
    auto n = std::make_unique<Node>();
    n->op = op;
    n->off = off + base_;
    n->len = len;
    return n;
  }

  // Sets the span and depth of `n` from its children (first to last).
  bool finish(Node& n) {
    uint32_t d = 0;
    for (const auto& k : n.kids) d = std::max(d, k->depth);
    n.depth = d + 1;
    if (!n.kids.empty()) {
      uint32_t b = std::min(n.off, n.kids.front()->off);
      uint32_t e = std::max(n.off + n.len, n.kids.back()->off + n.kids.back()->len);
      n.off = b;
      n.len = e - b;
    }
    if (n.depth > kMaxDepth) {
      fail_at(n.off, n.len,
              "expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
      return false;
    }
    return true;
  }

  bool enter() {
    if (++nesting_ > kMaxDepth) {
      fail_tok("expression nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
      return false;
    }
    return true;
  }

  struct Leave {
    uint32_t& n;
    ~Leave() { --n; }
  };

  NodePtr expression() {
    if (!enter()) return nullptr;
    Leave leave{nesting_};
    NodePtr c = logical(Tok::kOr);
    if (!c) return nullptr;
    if (tok_.kind != Tok::kQuestion) return c;
    advance();
    if (failed_) return nullptr;
    NodePtr a = expression();
    if (!a) return nullptr;
    if (tok_.kind != Tok::kColon) {
      fail_tok("expected ':' of the '?:' operator, got " + describe(tok_, text_));
      return nullptr;
    }
    advance();
    if (failed_) return nullptr;
    NodePtr b = expression();
    if (!b) return nullptr;
    NodePtr n = make(Op::kCond, c->off - base_, 0);
    n->kids.push_back(std::move(c));
    n->kids.push_back(std::move(a));
    n->kids.push_back(std::move(b));
    return finish(*n) ? std::move(n) : nullptr;
  }

  // n-ary && / || chains.
  NodePtr logical(Tok which) {
    NodePtr first = which == Tok::kOr ? logical(Tok::kAnd) : comparison();
    if (!first || tok_.kind != which) return first;
    NodePtr n = make(which == Tok::kOr ? Op::kOr : Op::kAnd, first->off - base_, 0);
    n->kids.push_back(std::move(first));
    while (tok_.kind == which) {
      advance();
      if (failed_) return nullptr;
      NodePtr k = which == Tok::kOr ? logical(Tok::kAnd) : comparison();
      if (!k) return nullptr;
      n->kids.push_back(std::move(k));
    }
    return finish(*n) ? std::move(n) : nullptr;
  }

  NodePtr comparison() {
    NodePtr l = additive();
    while (l) {
      BinOp op;
      bool in = false;
      switch (tok_.kind) {
        case Tok::kEq:
          op = BinOp::kEq;
          break;
        case Tok::kNe:
          op = BinOp::kNe;
          break;
        case Tok::kLt:
          op = BinOp::kLt;
          break;
        case Tok::kLe:
          op = BinOp::kLe;
          break;
        case Tok::kGt:
          op = BinOp::kGt;
          break;
        case Tok::kGe:
          op = BinOp::kGe;
          break;
        case Tok::kIn:
          op = BinOp::kEq;
          in = true;
          break;
        default:
          return l;
      }
      advance();
      if (failed_) return nullptr;
      NodePtr r = additive();
      if (!r) return nullptr;
      NodePtr n = make(in ? Op::kIn : Op::kBinary, l->off - base_, 0);
      n->bop = op;
      n->kids.push_back(std::move(l));
      n->kids.push_back(std::move(r));
      if (!finish(*n)) return nullptr;
      l = std::move(n);
    }
    return l;
  }

  NodePtr additive() {
    NodePtr l = unary();
    while (l && (tok_.kind == Tok::kPlus || tok_.kind == Tok::kMinus)) {
      BinOp op = tok_.kind == Tok::kPlus ? BinOp::kAdd : BinOp::kSub;
      advance();
      if (failed_) return nullptr;
      NodePtr r = unary();
      if (!r) return nullptr;
      NodePtr n = make(Op::kBinary, l->off - base_, 0);
      n->bop = op;
      n->kids.push_back(std::move(l));
      n->kids.push_back(std::move(r));
      if (!finish(*n)) return nullptr;
      l = std::move(n);
    }
    return l;
  }

  NodePtr unary() {
    if (tok_.kind != Tok::kNot && tok_.kind != Tok::kMinus) return postfix();
    if (!enter()) return nullptr;
    Leave leave{nesting_};
    Token op = tok_;
    advance();
    if (failed_) return nullptr;
    NodePtr k = unary();
    if (!k) return nullptr;
    // A negative integer literal is folded into the literal.
    if (op.kind == Tok::kMinus && k->op == Op::kLiteral && k->constant.kind == Kind::kInt) {
      k->constant.i = static_cast<int64_t>(0ULL - static_cast<uint64_t>(k->constant.i));
      k->len += k->off - (op.off + base_);
      k->off = op.off + base_;
      return k;
    }
    NodePtr n = make(op.kind == Tok::kNot ? Op::kNot : Op::kNeg, op.off, op.len);
    n->kids.push_back(std::move(k));
    return finish(*n) ? std::move(n) : nullptr;
  }

  NodePtr postfix() {
    NodePtr n = primary();
    while (n && tok_.kind == Tok::kDot) {
      advance();
      if (failed_) return nullptr;
      if (tok_.kind != Tok::kIdent) {
        fail_tok("expected a field name after '.', got " + describe(tok_, text_));
        return nullptr;
      }
      Token name = tok_;
      advance();
      if (failed_) return nullptr;
      if (tok_.kind == Tok::kLParen) {
        fail_at(name.off + base_, name.len,
                "method calls are not supported: write " + name.value + "(" +
                    std::string(text_.substr(n->off - base_, n->len)) + ", ...)");
        return nullptr;
      }
      NodePtr m = make(Op::kMember, n->off - base_, 0);
      m->name = name.value;
      m->name_off = name.off + base_;
      m->len = name.off + name.len - (n->off - base_);
      m->kids.push_back(std::move(n));
      if (!finish(*m)) return nullptr;
      n = std::move(m);
    }
    return n;
  }

  NodePtr primary() {
    if (failed_) return nullptr;
    Token t = tok_;
    switch (t.kind) {
      case Tok::kInt: {
        advance();
        NodePtr n = make(Op::kLiteral, t.off, t.len);
        n->constant = make_int(t.number);
        n->type = Type{Kind::kInt};
        return failed_ ? nullptr : std::move(n);
      }
      case Tok::kTrue:
      case Tok::kFalse: {
        advance();
        NodePtr n = make(Op::kLiteral, t.off, t.len);
        n->constant = make_bool(t.kind == Tok::kTrue);
        n->type = Type{Kind::kBool};
        return failed_ ? nullptr : std::move(n);
      }
      case Tok::kString: {
        advance();
        NodePtr n = make(Op::kLiteral, t.off, t.len);
        n->str = std::move(t.value);
        n->constant = make_string(n->str);
        n->type = Type{Kind::kString};
        n->is_literal_string = true;
        return failed_ ? nullptr : std::move(n);
      }
      case Tok::kIdent: {
        advance();
        if (failed_) return nullptr;
        if (tok_.kind != Tok::kLParen) {
          NodePtr n = make(Op::kIdent, t.off, t.len);
          n->name = std::move(t.value);
          return n;
        }
        if (!enter()) return nullptr;
        Leave leave{nesting_};
        NodePtr n = make(Op::kCall, t.off, t.len);
        n->name = std::move(t.value);
        n->name_off = t.off + base_;
        advance();
        if (failed_) return nullptr;
        if (tok_.kind != Tok::kRParen) {
          while (true) {
            NodePtr a = expression();
            if (!a) return nullptr;
            n->kids.push_back(std::move(a));
            if (tok_.kind == Tok::kComma) {
              advance();
              if (failed_) return nullptr;
              continue;
            }
            break;
          }
        }
        uint32_t end = tok_.off + tok_.len;
        std::string ctx = " to close the arguments of '" + n->name + "'";
        if (tok_.kind != Tok::kRParen) {
          fail_tok("expected ')' or ','" + ctx + ", got " + describe(tok_, text_));
          return nullptr;
        }
        advance();
        if (failed_) return nullptr;
        if (!finish(*n)) return nullptr;
        n->len = end + base_ - n->off;
        return n;
      }
      case Tok::kLParen: {
        if (!enter()) return nullptr;
        Leave leave{nesting_};
        advance();
        if (failed_) return nullptr;
        NodePtr n = expression();
        if (!n) return nullptr;
        if (tok_.kind != Tok::kRParen) {
          fail_tok("expected ')' to close the '(', got " + describe(tok_, text_));
          return nullptr;
        }
        uint32_t end = tok_.off + tok_.len;
        advance();
        if (failed_) return nullptr;
        // Keep the parentheses in the span (for explain()).
        n->len = end + base_ - (t.off + base_);
        n->off = t.off + base_;
        return n;
      }
      case Tok::kLBracket: {
        if (!enter()) return nullptr;
        Leave leave{nesting_};
        advance();
        if (failed_) return nullptr;
        NodePtr n = make(Op::kListLit, t.off, 1);
        if (tok_.kind != Tok::kRBracket) {
          while (true) {
            NodePtr a = expression();
            if (!a) return nullptr;
            n->kids.push_back(std::move(a));
            if (tok_.kind == Tok::kComma) {
              advance();
              if (failed_) return nullptr;
              continue;
            }
            break;
          }
        }
        if (tok_.kind != Tok::kRBracket) {
          fail_tok("expected ']' or ',' in the list, got " + describe(tok_, text_));
          return nullptr;
        }
        uint32_t end = tok_.off + tok_.len;
        advance();
        if (failed_) return nullptr;
        if (!finish(*n)) return nullptr;
        n->off = t.off + base_;
        n->len = end - t.off;
        return n;
      }
      case Tok::kEnd:
        fail_tok("expected an expression, got end of expression");
        return nullptr;
      default:
        fail_tok("expected an expression, got " + describe(tok_, text_));
        return nullptr;
    }
  }

  std::string_view text_;
  Lexer lexer_;
  CompileError& error_;
  uint32_t base_;  // offset of text_ in the full text (template placeholders)
  Token tok_;
  bool failed_ = false;
  uint32_t nesting_ = 0;
};

}  // namespace

NodePtr parse_expression(std::string_view text, CompileError& error) {
  error = CompileError{};
  Parser p(text, error, 0);
  NodePtr n = p.parse_all();
  if (!n && error.message.empty()) error.message = "syntax error";
  return n;
}

NodePtr parse_template(std::string_view text, CompileError& error) {
  error = CompileError{};
  auto root = std::make_unique<Node>();
  root->op = Op::kTemplate;
  root->off = 0;
  root->len = static_cast<uint32_t>(text.size());
  root->type = Type{Kind::kString};
  std::string literal;
  uint32_t literal_off = 0;
  auto flush = [&](uint32_t end) {
    if (literal.empty()) return;
    auto n = std::make_unique<Node>();
    n->op = Op::kLiteral;
    n->off = literal_off;
    n->len = end - literal_off;
    n->str = std::move(literal);
    n->constant = make_string(n->str);
    n->type = Type{Kind::kString};
    root->kids.push_back(std::move(n));
    literal.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        if (literal.empty()) literal_off = static_cast<uint32_t>(i);
        literal += '}';
        i += 2;
        continue;
      }
      error = {static_cast<uint32_t>(i), 1, "unmatched '}' in the message; write '}}' for a brace"};
      return nullptr;
    }
    if (c != '{') {
      if (literal.empty()) literal_off = static_cast<uint32_t>(i);
      literal += c;
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      if (literal.empty()) literal_off = static_cast<uint32_t>(i);
      literal += '{';
      i += 2;
      continue;
    }
    // A placeholder: find its closing brace, skipping string literals and nested braces.
    size_t open = i;
    size_t j = i + 1;
    int depth = 0;
    char quote = 0;
    for (; j < text.size(); ++j) {
      char d = text[j];
      if (quote != 0) {
        if (d == '\\') {
          ++j;
        } else if (d == quote) {
          quote = 0;
        }
        continue;
      }
      if (d == '\'' || d == '"') {
        quote = d;
      } else if (d == '{') {
        ++depth;
      } else if (d == '}') {
        if (depth == 0) break;
        --depth;
      }
    }
    if (j >= text.size()) {
      error = {static_cast<uint32_t>(open), 1,
               "unclosed '{' in the message; write '{{' for a brace"};
      return nullptr;
    }
    flush(static_cast<uint32_t>(open));
    std::string_view inner = text.substr(open + 1, j - open - 1);
    if (inner.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      error = {static_cast<uint32_t>(open), static_cast<uint32_t>(j - open + 1),
               "empty placeholder '{}' in the message"};
      return nullptr;
    }
    Parser p(inner, error, static_cast<uint32_t>(open + 1));
    NodePtr n = p.parse_all();
    if (!n) {
      // The parser reports offsets of the placeholder text; shift tokens it reported directly.
      if (error.message.empty()) error.message = "syntax error";
      return nullptr;
    }
    root->kids.push_back(std::move(n));
    i = j + 1;
  }
  flush(static_cast<uint32_t>(text.size()));
  return root;
}

}  // namespace nprcheck::expr::detail
