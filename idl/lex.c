/* SPDX-License-Identifier: BSD-2-Clause */
/* Copyright (c) 2026 The Bulkhead authors */
/*
 * Pass 1: lex.
 * Input: the source text (any bytes, any length). Output: a token array that always ends
 * with TK_EOF. Postcondition: every token has a location; identifiers are [A-Za-z_][A-Za-z0-9_]*;
 * numbers keep their spelling (a digit followed by letters, digits and '_': the parser
 * decides how to read it, so "1f" in a PCI address and "0x1000" both lex as one number);
 * strings are decoded. Bad characters and unterminated strings or comments are reported
 * and skipped, so lexing never stops early.
 */
#include "bhidl.h"

#include <string.h>

const char *tok_kind_name(enum tok_kind k)
{
    static const char *const n[] = {
        "end of file", "identifier", "number", "string", "'{'", "'}'", "'('", "')'", "'['",
        "']'", "';'", "','", "'.'", "'..'", "':'", "'='", "'->'", "'<->'", "'-'",
    };
    return n[k];
}

struct lexer {
    struct arena *a;
    struct diags *d;
    const char *file, *s;
    size_t len, i;
    int line, col;
};

static int at(const struct lexer *l, size_t k) { return l->i + k < l->len ? (unsigned char)l->s[l->i + k] : -1; }

static void advance(struct lexer *l)
{
    if (l->i >= l->len) return;
    if (l->s[l->i] == '\n') {
        l->line++;
        l->col = 1;
    } else {
        l->col++;
    }
    l->i++;
}

static struct loc here(const struct lexer *l) { return (struct loc){l->file, l->line, l->col}; }

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

static void push(struct lexer *l, struct tokens *out, enum tok_kind k, struct loc loc, const char *text)
{
    struct token *t = DA_PUSH(l->a, &out->t);
    t->kind = k;
    t->loc = loc;
    t->text = text;
}

static void lex_string(struct lexer *l, struct tokens *out)
{
    struct loc loc = here(l);
    advance(l); /* opening quote */
    DA(char) buf = {0};
    for (;;) {
        int c = at(l, 0);
        if (c < 0 || c == '\n') {
            diag_error(l->d, loc, "unterminated_string", "expected '\"' to end the string, found %s",
                       c < 0 ? "end of file" : "end of line");
            break;
        }
        if (c == '"') {
            advance(l);
            break;
        }
        if (c == '\\') {
            int e = at(l, 1);
            char v = 0;
            if (e == 'n') v = '\n';
            else if (e == 't') v = '\t';
            else if (e == '\\' || e == '"') v = (char)e;
            else {
                diag_error(l->d, here(l), "bad_escape", "expected one of \\n \\t \\\\ \\\" in a string");
                advance(l);
                continue;
            }
            advance(l);
            advance(l);
            *DA_PUSH(l->a, &buf) = v;
            continue;
        }
        if (c == 0) {
            /* The string would end here for everyone who reads it (a file name cut short). */
            diag_error(l->d, here(l), "nul_in_string", "a NUL byte inside a string");
            advance(l);
            continue;
        }
        *DA_PUSH(l->a, &buf) = (char)c;
        advance(l);
    }
    push(l, out, TK_STRING, loc, arena_strdup(l->a, buf.n ? buf.v : "", buf.n));
}

static void skip_block_comment(struct lexer *l)
{
    struct loc loc = here(l);
    advance(l);
    advance(l);
    while (l->i < l->len && !(at(l, 0) == '*' && at(l, 1) == '/')) advance(l);
    if (l->i >= l->len) {
        diag_error(l->d, loc, "unterminated_comment", "expected '*/' to end the comment, found end of file");
        return;
    }
    advance(l);
    advance(l);
}

void lex(struct arena *a, struct diags *d, const char *file, const char *src, size_t len, struct tokens *out)
{
    struct lexer l = {a, d, file, src, len, 0, 1, 1};
    while (l.i < l.len) {
        int c = at(&l, 0);
        struct loc loc = here(&l);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            advance(&l);
        } else if (c == '/' && at(&l, 1) == '/') {
            while (l.i < l.len && at(&l, 0) != '\n') advance(&l);
        } else if (c == '/' && at(&l, 1) == '*') {
            skip_block_comment(&l);
        } else if (is_alpha(c) || is_digit(c)) {
            size_t start = l.i;
            while (is_alpha(at(&l, 0)) || is_digit(at(&l, 0))) advance(&l);
            push(&l, out, is_digit(c) ? TK_NUMBER : TK_IDENT, loc, arena_strdup(a, src + start, l.i - start));
        } else if (c == '"') {
            lex_string(&l, out);
        } else if (c == '.' && at(&l, 1) == '.') {
            advance(&l);
            advance(&l);
            push(&l, out, TK_DOTDOT, loc, "..");
        } else if (c == '-' && at(&l, 1) == '>') {
            advance(&l);
            advance(&l);
            push(&l, out, TK_ARROW, loc, "->");
        } else if (c == '<' && at(&l, 1) == '-' && at(&l, 2) == '>') {
            advance(&l);
            advance(&l);
            advance(&l);
            push(&l, out, TK_BIARROW, loc, "<->");
        } else {
            static const char singles[] = "{}()[];,.:=-";
            static const enum tok_kind kinds[] = {TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN, TK_LBRACKET,
                                                  TK_RBRACKET, TK_SEMI, TK_COMMA, TK_DOT, TK_COLON,
                                                  TK_EQUAL, TK_MINUS};
            const char *p = c > 0 ? strchr(singles, c) : NULL;
            if (p) {
                advance(&l);
                push(&l, out, kinds[p - singles], loc, tok_kind_name(kinds[p - singles]));
            } else {
                if (c >= 0x20 && c < 0x7f)
                    diag_error(d, loc, "bad_character", "unexpected character '%c'", c);
                else
                    diag_error(d, loc, "bad_character", "unexpected byte 0x%02x", (unsigned)c);
                advance(&l);
            }
        }
    }
    push(&l, out, TK_EOF, here(&l), "end of file");
}
