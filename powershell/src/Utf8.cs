// Utf8: string marshalling that works on .NET Framework, Mono and .NET alike.
// No Marshal.PtrToStringUTF8 / LPUTF8Str: strings go in as UTF-8 bytes + NUL and come out by strlen + Marshal.Copy.
using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace AseGpu
{
    /// <summary>Portable UTF-8 marshalling (works on .NET Framework, Mono and .NET).</summary>
    public static class Utf8
    {
        static readonly UTF8Encoding Strict = new UTF8Encoding(false, false);

        /// <summary>NUL-terminated UTF-8 bytes of <paramref name="s"/>, or null for null.</summary>
        public static byte[] ToNullTerminated(string s)
        {
            if (s == null) return null;
            int n = Strict.GetByteCount(s);
            byte[] b = new byte[n + 1];
            Strict.GetBytes(s, 0, s.Length, b, 0);
            return b;
        }

        /// <summary>Decode a NUL-terminated UTF-8 string (manual strlen + Marshal.Copy); null for NULL.</summary>
        public static string FromPtr(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int len = 0;
            while (Marshal.ReadByte(p, len) != 0) len++;
            if (len == 0) return string.Empty;
            byte[] b = new byte[len];
            Marshal.Copy(p, b, 0, len);
            return Strict.GetString(b);
        }

        internal static byte[] FromSecureString(SecureString s)
        {
            if (s == null) return null;
            IntPtr p = IntPtr.Zero;
            char[] chars = new char[s.Length];
            try
            {
                p = Marshal.SecureStringToGlobalAllocUnicode(s);
                Marshal.Copy(p, chars, 0, chars.Length);
                int n = Strict.GetByteCount(chars, 0, chars.Length);
                byte[] b = new byte[n + 1];
                Strict.GetBytes(chars, 0, chars.Length, b, 0);
                return b;
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
                if (p != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(p);
            }
        }
    }
}
