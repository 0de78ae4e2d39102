/* Optional accelerator for workflows/verify.py: the verifier's lean per-event loop in C.

   It accepts an event line only when the Python lean loop in Verifier.feed_all would accept it and
   makes the same updates (chain tips, quota payloads); at anything else (a non-event line, a line it
   cannot prove well-formed and linked, an event a checkpoint signed) it stops and returns the line's
   index, and Python handles that line. Being stricter than Python is safe; it is never more lenient.
   SHA-256 is OpenSSL's, from the libcrypto that Python's own hashlib already loaded.

   Built by scripts/build_fastverify.py (`make install`); without it the verifier is pure Python. */

#define PY_SSIZE_T_CLEAN
#define _GNU_SOURCE
#include <Python.h>
#include <dlfcn.h>
#include <string.h>

typedef unsigned char *(*sha256_fn)(const unsigned char *, size_t, unsigned char *);
static sha256_fn sha256_oneshot;

#define LIT(s) s, (Py_ssize_t)(sizeof(s) - 1)
static const char HEX[] = "0123456789abcdef";

static Py_ssize_t find(const char *h, Py_ssize_t hlen, const char *needle, Py_ssize_t nlen, Py_ssize_t from)
{
    if (from < 0 || from + nlen > hlen)
        return -1;
    const char *at = memmem(h + from, (size_t)(hlen - from), needle, (size_t)nlen);
    return at ? (Py_ssize_t)(at - h) : -1;
}

static Py_ssize_t rfind(const char *h, Py_ssize_t hlen, const char *needle, Py_ssize_t nlen)
{
    /* Hop backwards from one occurrence of the needle's first byte to the previous one. */
    Py_ssize_t end = hlen - nlen + 1;
    while (end > 0) {
        const char *at = memrchr(h, needle[0], (size_t)end);
        if (at == NULL)
            return -1;
        if (memcmp(at, needle, (size_t)nlen) == 0)
            return (Py_ssize_t)(at - h);
        end = (Py_ssize_t)(at - h);
    }
    return -1;
}

static Py_ssize_t count_byte(const char *h, Py_ssize_t from, Py_ssize_t to, char byte)
{
    Py_ssize_t count = 0;
    while (from < to) {
        const char *at = memchr(h + from, byte, (size_t)(to - from));
        if (at == NULL)
            break;
        count++;
        from = (Py_ssize_t)(at - h) + 1;
    }
    return count;
}

/* What follows the seen hash for event number seq: `","seq":N,"to":"`, optionally preceded by an
   empty seen hash. Returns its length. */
static Py_ssize_t after_seen(char *out, int empty_seen, long seq)
{
    static const char EMPTY[] = "\",\"seen_hash\":\"";
    static const char SEQ[] = "\",\"seq\":";
    static const char TO[] = ",\"to\":\"";
    char digits[24];
    int d = 0;
    do {
        digits[d++] = (char)('0' + seq % 10);
        seq /= 10;
    } while (seq > 0 && d < 20);
    Py_ssize_t k = 0;
    if (empty_seen) {
        memcpy(out, EMPTY, sizeof EMPTY - 1);
        k += sizeof EMPTY - 1;
    }
    memcpy(out + k, SEQ, sizeof SEQ - 1);
    k += sizeof SEQ - 1;
    while (d > 0)
        out[k++] = digits[--d];
    memcpy(out + k, TO, sizeof TO - 1);
    return k + (Py_ssize_t)(sizeof TO - 1);
}

static int has(const char *h, Py_ssize_t hlen, Py_ssize_t at, const char *s, Py_ssize_t slen)
{
    return at >= 0 && at + slen <= hlen && memcmp(h + at, s, (size_t)slen) == 0;
}

/* scan(lines, start, tips, payloads, wanted, genesis) -> (stopped_at, events_accepted) */
static PyObject *scan(PyObject *self, PyObject *args)
{
    PyObject *lines, *tips, *payloads, *wanted, *genesis;
    Py_ssize_t i;
    if (!PyArg_ParseTuple(args, "O!nO!O!O!S", &PyList_Type, &lines, &i, &PyDict_Type, &tips, &PyList_Type,
                          &payloads, &PyDict_Type, &wanted, &genesis))
        return NULL;
    if (PyBytes_GET_SIZE(genesis) != 64) {
        PyErr_SetString(PyExc_ValueError, "genesis must be 64 hex bytes");
        return NULL;
    }
    Py_ssize_t total = PyList_GET_SIZE(lines), events = 0;
    unsigned char raw[32];
    char digest[64], after[80];

    for (; i < total; i++) {
        PyObject *line_obj = PyList_GET_ITEM(lines, i);
        if (!PyBytes_CheckExact(line_obj))
            break;
        const char *line = PyBytes_AS_STRING(line_obj);
        Py_ssize_t len = PyBytes_GET_SIZE(line_obj);
        /* {"type":"event","hash":H,"id":N,"columns":C,"body":B}\n with C == B: equal halves. */
        /* `","id":N,"columns":` right after the hash (Python searches from offset 95; a line laid out
           otherwise is left to Python). */
        if (!has(line, len, 88, LIT("\",\"id\":")))
            break;
        Py_ssize_t cut = 95;
        while (cut < len && line[cut] >= '0' && line[cut] <= '9')
            cut++;
        if (cut == 95 || !has(line, len, cut, LIT(",\"columns\":")))
            break;
        Py_ssize_t n = len - 2;
        if (((n - cut) & 1) == 0 || line[n + 1] != '\n')
            break;
        Py_ssize_t half = (n - cut - 19) >> 1, b0 = n - half;
        if (half <= 0 || !has(line, len, 0, LIT("{\"type\":\"event\",\"hash\":\"")) ||
            !has(line, len, b0 - 8, LIT(",\"body\":")) || cut + 11 + half > len ||
            memcmp(line + cut + 11, line + b0, (size_t)half) != 0)
            break;
        const char *body = line + b0;
        sha256_oneshot((const unsigned char *)body, (size_t)half, raw);
        for (int k = 0; k < 32; k++) {
            digest[2 * k] = HEX[raw[k] >> 4];
            digest[2 * k + 1] = HEX[raw[k] & 15];
        }
        if (!has(line, len, 24, digest, 64))
            break;
        Py_ssize_t c = find(body, half, LIT("\"chain\":\""), 0);
        if (c < 0)
            break;
        c += 9;
        Py_ssize_t c_end = find(body, half, "\"", 1, c);
        Py_ssize_t p = rfind(body, half, LIT(",\"prev_hash\":\""));
        if (c <= 8 || c_end < 0 || p < 0 || p + 93 >= half)
            break;
        PyObject *chain = PyBytes_FromStringAndSize(body + c, c_end - c);
        if (chain == NULL)
            return NULL;
        PyObject *tip = PyDict_GetItemWithError(tips, chain); /* borrowed */
        if (tip == NULL && PyErr_Occurred()) {
            Py_DECREF(chain);
            return NULL;
        }
        long seq = 1;
        const char *prev = PyBytes_AS_STRING(genesis);
        if (tip != NULL) {
            if (!PyList_CheckExact(tip) || PyList_GET_SIZE(tip) != 4 ||
                !PyBytes_CheckExact(PyList_GET_ITEM(tip, 1)) || PyBytes_GET_SIZE(PyList_GET_ITEM(tip, 1)) != 64) {
                Py_DECREF(chain);
                break;
            }
            seq = PyLong_AsLong(PyList_GET_ITEM(tip, 0)) + 1;
            prev = PyBytes_AS_STRING(PyList_GET_ITEM(tip, 1));
        }
        Py_ssize_t a, k;
        int ok = has(body, half, p + 14, prev, 64);
        if (seq < 1) {
            Py_DECREF(chain);
            break;
        }
        if (body[p + 93] == '"') { /* empty seen hash */
            a = p + 78;
            k = after_seen(after, 1, seq);
        } else {
            a = p + 157;
            k = after_seen(after, 0, seq);
            ok = ok && has(body, half, p + 78, LIT("\",\"seen_hash\":\""));
        }
        ok = ok && has(body, half, a, after, k) && a + k < half;
        if (!ok) {
            Py_DECREF(chain);
            break;
        }
        /* A checkpoint signed this event: Python compares it with the signed hash. */
        if (PyDict_GET_SIZE(wanted)) {
            PyObject *signed_ = PyDict_GetItemWithError(wanted, chain);
            if (signed_ != NULL) {
                PyObject *key = PyLong_FromLong(seq);
                int hit = key ? PySequence_Contains(signed_, key) : -1;
                Py_XDECREF(key);
                if (hit != 0) {
                    Py_DECREF(chain);
                    if (hit < 0)
                        return NULL;
                    break;
                }
            } else if (PyErr_Occurred()) {
                Py_DECREF(chain);
                return NULL;
            }
        }
        /* A nested object in the payload may be a quota move: keep the payload for the replay. */
        Py_ssize_t pay = -1;
        if (count_byte(body, c, p, '{') > 1) {
            pay = find(body, half, LIT(",\"payload\":"), c);
            if (pay < 0 || pay + 11 > p) {
                Py_DECREF(chain);
                break;
            }
        }
        Py_ssize_t t = a + k;
        int moved = body[t] != '"';

        int failed = 0;
        if (tip == NULL) {
            tip = Py_BuildValue("[iOOi]", 0, genesis, Py_None, 0);
            failed = tip == NULL || PyDict_SetItem(tips, chain, tip) < 0;
            Py_XDECREF(tip); /* the dict holds it */
        }
        Py_DECREF(chain);
        if (failed)
            return NULL;
        PyObject *seq_obj = PyLong_FromLong(seq);
        PyObject *digest_obj = PyBytes_FromStringAndSize(digest, 64);
        if (seq_obj == NULL || digest_obj == NULL || PyList_SetItem(tip, 0, seq_obj) < 0 ||
            PyList_SetItem(tip, 1, digest_obj) < 0) {
            return NULL;
        }
        if (moved) {
            /* Python keeps the body and the state's offset and reads the state when asked; here the
               state itself is kept (up to its closing quote), at offset 0: the same answer. */
            const char *q = memchr(body + t, '"', (size_t)(half - t));
            Py_ssize_t end = q ? (Py_ssize_t)(q - body) : half;
            PyObject *state = PyBytes_FromStringAndSize(body + t, end - t);
            PyObject *zero = PyLong_FromLong(0);
            if (state == NULL || zero == NULL || PyList_SetItem(tip, 2, state) < 0 ||
                PyList_SetItem(tip, 3, zero) < 0)
                return NULL;
        }
        if (pay >= 0) {
            PyObject *payload = PyBytes_FromStringAndSize(body + pay + 11, p - pay - 11);
            if (payload == NULL || PyList_Append(payloads, payload) < 0) {
                Py_XDECREF(payload);
                return NULL;
            }
            Py_DECREF(payload);
        }
        events++;
    }
    return Py_BuildValue("nn", i, events);
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS, "Accept well-formed, linked event lines from `start`; return (stop, n)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fastverify", NULL, -1, methods};

PyMODINIT_FUNC PyInit__fastverify(void)
{
    /* hashlib's OpenSSL is already in the process; find its one-shot SHA-256. */
    PyObject *hashlib = PyImport_ImportModule("_hashlib");
    Py_XDECREF(hashlib);
    PyErr_Clear();
    const char *names[] = {"libcrypto.so.3", "libcrypto.so", "libcrypto.so.1.1", NULL};
    for (int k = 0; names[k] && !sha256_oneshot; k++) {
        void *lib = dlopen(names[k], RTLD_NOW | RTLD_LOCAL);
        if (lib)
            sha256_oneshot = (sha256_fn)dlsym(lib, "SHA256");
    }
    if (!sha256_oneshot) {
        PyErr_SetString(PyExc_ImportError, "OpenSSL's SHA256 not found");
        return NULL;
    }
    return PyModule_Create(&module);
}
