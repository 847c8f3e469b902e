// JSON: a minimal parser and serializer, and the helpers the models read results (J) and write requests (Req) with.
// Written here so that nothing differs between .NET Framework, Mono and .NET.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace AseGpu
{
    /// <summary>Parse to Dictionary&lt;string,object&gt; / List&lt;object&gt; / string / long / double / bool / null; serialize back.</summary>
    public static class AseJson
    {
        public static object Parse(string json)
        {
            if (json == null) return null;
            int i = 0;
            object v = ParseValue(json, ref i);
            SkipWs(json, ref i);
            if (i != json.Length) throw new FormatException("JSON: trailing characters at " + i);
            return v;
        }

        /// <summary>A JSON object as a case-insensitive Hashtable tree (arrays as object[]); for PowerShell callers.</summary>
        public static Hashtable ToHashtable(string json)
        {
            Hashtable h = J.Plain(Parse(json)) as Hashtable;
            if (h == null) throw new FormatException("JSON: not an object");
            return h;
        }

        public static string Str(IDictionary<string, object> d, string key)
        {
            object v;
            if (d == null || !d.TryGetValue(key, out v) || v == null) return null;
            return v as string ?? Convert.ToString(v, CultureInfo.InvariantCulture);
        }

        public static double? Num(IDictionary<string, object> d, string key)
        {
            object v;
            if (d == null || !d.TryGetValue(key, out v) || v == null) return null;
            if (v is long) return (long)v;
            if (v is double) return (double)v;
            return null;
        }

        static void SkipWs(string s, ref int i)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
        }

        static object ParseValue(string s, ref int i)
        {
            SkipWs(s, ref i);
            if (i >= s.Length) throw new FormatException("JSON: unexpected end");
            char c = s[i];
            if (c == '{')
            {
                Dictionary<string, object> d = new Dictionary<string, object>();
                i++;
                SkipWs(s, ref i);
                if (i < s.Length && s[i] == '}') { i++; return d; }
                while (true)
                {
                    SkipWs(s, ref i);
                    if (i >= s.Length || s[i] != '"') throw new FormatException("JSON: expected a key at " + i);
                    string k = ParseString(s, ref i);
                    SkipWs(s, ref i);
                    if (i >= s.Length || s[i] != ':') throw new FormatException("JSON: expected ':' at " + i);
                    i++;
                    d[k] = ParseValue(s, ref i);
                    SkipWs(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == '}') { i++; return d; }
                    throw new FormatException("JSON: expected ',' or '}' at " + i);
                }
            }
            if (c == '[')
            {
                List<object> l = new List<object>();
                i++;
                SkipWs(s, ref i);
                if (i < s.Length && s[i] == ']') { i++; return l; }
                while (true)
                {
                    l.Add(ParseValue(s, ref i));
                    SkipWs(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == ']') { i++; return l; }
                    throw new FormatException("JSON: expected ',' or ']' at " + i);
                }
            }
            if (c == '"') return ParseString(s, ref i);
            if (string.CompareOrdinal(s, i, "true", 0, 4) == 0) { i += 4; return true; }
            if (string.CompareOrdinal(s, i, "false", 0, 5) == 0) { i += 5; return false; }
            if (string.CompareOrdinal(s, i, "null", 0, 4) == 0) { i += 4; return null; }
            int start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) i++;
            if (start == i) throw new FormatException("JSON: unexpected character '" + c + "' at " + i);
            string num = s.Substring(start, i - start);
            long lv;
            if (num.IndexOfAny(new[] { '.', 'e', 'E' }) < 0 && long.TryParse(num, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out lv)) return lv;
            return double.Parse(num, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        static string ParseString(string s, ref int i)
        {
            StringBuilder b = new StringBuilder();
            i++; // opening quote
            while (i < s.Length)
            {
                char c = s[i++];
                if (c == '"') return b.ToString();
                if (c != '\\') { b.Append(c); continue; }
                if (i >= s.Length) break;
                char e = s[i++];
                switch (e)
                {
                    case '"': b.Append('"'); break;
                    case '\\': b.Append('\\'); break;
                    case '/': b.Append('/'); break;
                    case 'b': b.Append('\b'); break;
                    case 'f': b.Append('\f'); break;
                    case 'n': b.Append('\n'); break;
                    case 'r': b.Append('\r'); break;
                    case 't': b.Append('\t'); break;
                    case 'u':
                        if (i + 4 > s.Length) throw new FormatException("JSON: bad \\u escape");
                        b.Append((char)int.Parse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default: throw new FormatException("JSON: bad escape \\" + e);
                }
            }
            throw new FormatException("JSON: unterminated string");
        }

        public static string Serialize(object value)
        {
            StringBuilder b = new StringBuilder();
            Write(b, value, 0);
            return b.ToString();
        }

        static void Write(StringBuilder b, object v, int depth)
        {
            if (depth > 64) throw new InvalidOperationException("JSON: nesting too deep");
            v = Unwrap(v);
            if (v == null) { b.Append("null"); return; }
            string s = v as string;
            if (s != null) { WriteString(b, s); return; }
            if (v is bool) { b.Append((bool)v ? "true" : "false"); return; }
            if (v is char) { WriteString(b, v.ToString()); return; }
            if (v is int || v is long || v is short || v is byte || v is uint || v is ulong || v is ushort || v is sbyte)
            {
                b.Append(Convert.ToString(v, CultureInfo.InvariantCulture));
                return;
            }
            if (v is double || v is float || v is decimal)
            {
                double d = Convert.ToDouble(v, CultureInfo.InvariantCulture);
                if (double.IsNaN(d) || double.IsInfinity(d)) { b.Append("null"); return; }
                b.Append(d.ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            if (v is Enum) { WriteString(b, v.ToString()); return; }
            IDictionary dict = v as IDictionary;
            if (dict != null)
            {
                b.Append('{');
                bool first = true;
                foreach (DictionaryEntry kv in dict)
                {
                    if (!first) b.Append(',');
                    first = false;
                    WriteString(b, Convert.ToString(Unwrap(kv.Key), CultureInfo.InvariantCulture));
                    b.Append(':');
                    Write(b, kv.Value, depth + 1);
                }
                b.Append('}');
                return;
            }
            IDictionary<string, object> gd = v as IDictionary<string, object>;
            if (gd != null)
            {
                b.Append('{');
                bool first = true;
                foreach (KeyValuePair<string, object> kv in gd)
                {
                    if (!first) b.Append(',');
                    first = false;
                    WriteString(b, kv.Key);
                    b.Append(':');
                    Write(b, kv.Value, depth + 1);
                }
                b.Append('}');
                return;
            }
            IEnumerable en = v as IEnumerable;
            if (en != null)
            {
                b.Append('[');
                bool first = true;
                foreach (object o in en)
                {
                    if (!first) b.Append(',');
                    first = false;
                    Write(b, o, depth + 1);
                }
                b.Append(']');
                return;
            }
            WriteString(b, Convert.ToString(v, CultureInfo.InvariantCulture));
        }

        // PowerShell wraps values in PSObject; take the base object without referencing PowerShell.
        static object Unwrap(object v)
        {
            if (v == null) return null;
            Type t = v.GetType();
            if (t.FullName == "System.Management.Automation.PSObject")
            {
                PropertyInfo p = t.GetProperty("BaseObject");
                if (p != null) return p.GetValue(v, null);
            }
            return v;
        }

        static void WriteString(StringBuilder b, string s)
        {
            b.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': b.Append("\\\""); break;
                    case '\\': b.Append("\\\\"); break;
                    case '\n': b.Append("\\n"); break;
                    case '\r': b.Append("\\r"); break;
                    case '\t': b.Append("\\t"); break;
                    case '\b': b.Append("\\b"); break;
                    case '\f': b.Append("\\f"); break;
                    default:
                        if (c < 0x20) b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else b.Append(c);
                        break;
                }
            }
            b.Append('"');
        }
    }

    internal static class J
    {
        internal static IDictionary<string, object> Doc(string json, string what)
        {
            IDictionary<string, object> d = AseJson.Parse(json) as IDictionary<string, object>;
            if (d == null) throw new FormatException(what + " is not a JSON object");
            return d;
        }

        internal static IList<object> List(string json, string what)
        {
            IList<object> l = AseJson.Parse(json) as IList<object>;
            if (l == null) throw new FormatException(what + " is not a JSON array");
            return l;
        }

        internal static IDictionary<string, object> Obj(IDictionary<string, object> d, string key)
        {
            object v;
            return d != null && d.TryGetValue(key, out v) ? v as IDictionary<string, object> : null;
        }

        internal static IList<object> Arr(IDictionary<string, object> d, string key)
        {
            object v;
            return d != null && d.TryGetValue(key, out v) && v is IList<object> ? (IList<object>)v : new List<object>();
        }

        internal static IEnumerable<IDictionary<string, object>> Objs(IDictionary<string, object> d, string key)
        {
            foreach (object o in Arr(d, key))
            {
                IDictionary<string, object> x = o as IDictionary<string, object>;
                if (x != null) yield return x;
            }
        }

        internal static bool? Bool(IDictionary<string, object> d, string key)
        {
            object v;
            if (d == null || !d.TryGetValue(key, out v) || !(v is bool)) return null;
            return (bool)v;
        }

        internal static int? Int(IDictionary<string, object> d, string key)
        {
            double? n = AseJson.Num(d, key);
            return n.HasValue ? (int?)(int)n.Value : null;
        }

        internal static string[] Strs(IDictionary<string, object> d, string key)
        {
            List<string> r = new List<string>();
            foreach (object o in Arr(d, key)) if (o != null) r.Add(o as string ?? Convert.ToString(o, CultureInfo.InvariantCulture));
            return r.ToArray();
        }

        /// <summary>A JSON value as a string-keyed Hashtable tree (PowerShell-friendly), or null.</summary>
        internal static object Plain(object v)
        {
            IDictionary<string, object> d = v as IDictionary<string, object>;
            if (d != null)
            {
                Hashtable h = new Hashtable(StringComparer.OrdinalIgnoreCase);
                foreach (KeyValuePair<string, object> kv in d) h[kv.Key] = Plain(kv.Value);
                return h;
            }
            IList<object> l = v as IList<object>;
            if (l != null)
            {
                object[] a = new object[l.Count];
                for (int i = 0; i < a.Length; i++) a[i] = Plain(l[i]);
                return a;
            }
            return v;
        }

        internal static Hashtable Table(IDictionary<string, object> d, string key)
        {
            object v;
            if (d == null || !d.TryGetValue(key, out v)) return new Hashtable(StringComparer.OrdinalIgnoreCase);
            return Plain(v) as Hashtable ?? new Hashtable(StringComparer.OrdinalIgnoreCase);
        }
    }

    internal static class Req
    {
        internal static void Put(Dictionary<string, object> d, string key, object value)
        {
            if (value == null) return;
            string s = value as string;
            if (s != null && s.Length == 0) return;
            d[key] = value;
        }

        internal static string FullPath(string p) { return string.IsNullOrEmpty(p) ? null : System.IO.Path.GetFullPath(p); }
    }
}
