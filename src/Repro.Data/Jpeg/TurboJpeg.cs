using System.Runtime.InteropServices;

namespace Repro.Data;

/// <summary>
/// JPEG decoding with libjpeg-turbo's TurboJPEG 2.1 API (Debian libturbojpeg0; DATA.md). Decodes to
/// RGB with the accurate integer IDCT and smooth chroma upsampling, libjpeg's defaults and PIL's.
/// Safe to call from several threads: each thread keeps its own decompressor.
/// Damaged input is an error, never a partly grey image: libjpeg's warnings ("Premature end of
/// JPEG file", "Corrupt JPEG data: ...") mean it invented pixels, so they fail like fatal errors.
/// </summary>
public static partial class Jpeg
{
    /// <summary>Decodes <paramref name="jpeg"/> into a new array; <paramref name="source"/> names
    /// it in errors. CMYK and YCCK JPEGs (Photoshop's, a few in ImageNet) become RGB as PIL
    /// converts them.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> jpeg, string source)
    {
        byte[]? buffer = null;
        return Decode(jpeg, source, ref buffer);
    }

    /// <summary>Decodes into <paramref name="buffer"/>, replaced by a larger array when too small;
    /// the image views it until the buffer's next use. For loops that decode many images and keep
    /// none: a fresh multi-megabyte array per image costs 10-25% of decoding it (new pages for the
    /// GC's large-object heap; bench/ jpeg measures both).</summary>
    public static unsafe RgbImage Decode(ReadOnlySpan<byte> jpeg, string source, ref byte[]? buffer)
    {
        if (jpeg.IsEmpty) throw new DataFormatException(source, "empty file, not a JPEG");
        var handle = decompressor ??= new Decompressor();
        fixed (byte* data = jpeg)
        {
            if (tjDecompressHeader3(handle, data, (nuint)jpeg.Length, out int width, out int height, out _, out int colorspace) != 0)
                throw Failure(handle, source, "not a readable JPEG");
            bool cmyk = colorspace is TJCS_CMYK or TJCS_YCCK;
            long decoded = (long)width * height * (cmyk ? 4 : 3);
            if (decoded > Array.MaxLength)
                throw new DataFormatException(source, $"JPEG of {width} x {height} pixels is too large to decode into memory");
            // Uninitialized: the decoder writes every byte, and zeroing costs a few % more.
            if (buffer is null || buffer.Length < decoded) buffer = GC.AllocateUninitializedArray<byte>((int)decoded);
            fixed (byte* target = buffer)
                if (tjDecompress2(handle, data, (nuint)jpeg.Length, target, width, 0, height, cmyk ? TJPF_CMYK : TJPF_RGB, TJFLAG_ACCURATEDCT) != 0)
                    throw Failure(handle, source, "damaged JPEG");
            if (cmyk) CmykToRgbInPlace(buffer.AsSpan(0, (int)decoded));
            return new RgbImage(new ArraySegment<byte>(buffer, 0, width * height * 3), height, width);
        }
    }

    /// <summary>Reads and decodes a JPEG file; an unreadable file is a DataFormatException naming it.</summary>
    public static RgbImage Read(string path)
    {
        byte[]? file = null, pixels = null;
        return Decode(ReadFile(path, ref file), path, ref pixels);
    }

    /// <summary>The bytes of <paramref name="path"/>, in <paramref name="buffer"/> (replaced by a
    /// larger array when too small).</summary>
    internal static ReadOnlySpan<byte> ReadFile(string path, ref byte[]? buffer)
    {
        try
        {
            using var file = File.OpenHandle(path);
            long length = RandomAccess.GetLength(file);
            if (length > Array.MaxLength) throw new DataFormatException(path, $"{length:N0} bytes: too large for a JPEG");
            if (buffer is null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<byte>((int)length);
            int read = 0;
            while (read < length)
            {
                int n = RandomAccess.Read(file, buffer.AsSpan(read, (int)length - read), read);
                if (n == 0) throw new DataFormatException(path, $"the file shrank while being read ({read:N0} of {length:N0} bytes)");
                read += n;
            }
            return buffer.AsSpan(0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot read the file: {e.Message}", e);
        }
    }

    /// <summary>The error for the decompressor's last failure. The decompressor is then dropped:
    /// TurboJPEG 2.1 leaves it mid-header after a failed tjDecompressHeader3, and the next image
    /// on this thread would fail with a bogus error ("Bogus Huffman table definition").</summary>
    static DataFormatException Failure(Decompressor handle, string source, string what)
    {
        // Not labelled warning or fatal: tjGetErrorCode says "warning" whenever one came first,
        // even when a fatal error followed (a truncated header warns, then fails), and the message
        // is the last one.
        string message = Marshal.PtrToStringUTF8(tjGetErrorStr2(handle)) ?? "(no message)";
        decompressor = null;
        handle.Dispose();
        return new DataFormatException(source, $"{what} (libjpeg: {message})");
    }

    /// <summary>Adobe CMYK JPEGs store inverted inks, which libjpeg returns as stored; then
    /// R = C'K'/255 with PIL's rounding (its CMYK-to-RGB conversion, and libjpeg-turbo's own).
    /// In place: pixel i's RGB (bytes 3i..3i+2) never overwrites a CMYK pixel not yet read.</summary>
    static void CmykToRgbInPlace(Span<byte> pixels)
    {
        for (int p = 0, q = 0; p < pixels.Length; p += 4, q += 3)
        {
            int c = pixels[p], m = pixels[p + 1], y = pixels[p + 2], k = pixels[p + 3];
            (pixels[q], pixels[q + 1], pixels[q + 2]) = (MulDiv255(c, k), MulDiv255(m, k), MulDiv255(y, k));
        }
    }

    static byte MulDiv255(int a, int b)
    {
        int t = a * b + 128;
        return (byte)((t + (t >> 8)) >> 8);
    }

    /// <summary>Compresses packed RGB (or CMYK) pixels at 4:4:4, for JPEGs of known content (tests,
    /// the smoke tier's synthetic class folders).</summary>
    public static unsafe byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, bool cmyk = false, int quality = 95)
    {
        if (pixels.Length != width * height * (cmyk ? 4 : 3)) throw new ArgumentException($"{pixels.Length} bytes for {width} x {height} pixels");
        nint compressor = tjInitCompress();
        if (compressor == 0) throw new InvalidOperationException("tjInitCompress failed");
        try
        {
            byte* jpeg = null;
            nuint size = 0;
            fixed (byte* source = pixels)
                if (tjCompress2(compressor, source, width, 0, height, cmyk ? TJPF_CMYK : TJPF_RGB, &jpeg, &size, TJSAMP_444, quality, TJFLAG_ACCURATEDCT) != 0)
                    throw new InvalidOperationException($"tjCompress2: {Marshal.PtrToStringUTF8(tjGetErrorStr2(compressor))}");
            try
            {
                return new ReadOnlySpan<byte>(jpeg, checked((int)size)).ToArray();
            }
            finally
            {
                tjFree(jpeg);
            }
        }
        finally
        {
            tjDestroy(compressor);
        }
    }

    // One decompressor per thread (TurboJPEG handles are not thread-safe). When a thread ends, its
    // handle becomes unreachable and the SafeHandle's finalizer destroys it.
    [ThreadStatic] static Decompressor? decompressor;

    sealed class Decompressor : SafeHandle
    {
        public Decompressor() : base(0, ownsHandle: true)
        {
            SetHandle(tjInitDecompress());
            if (IsInvalid) throw new InvalidOperationException($"tjInitDecompress failed: {Marshal.PtrToStringUTF8(tjGetErrorStr2(0))}");
        }

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle() => tjDestroy(handle) == 0;
    }

    // turbojpeg.h (libjpeg-turbo 2.1). `unsigned long` is 64 bits on Linux x64: nuint.
    const string Library = "libturbojpeg.so.0";
    const int TJPF_RGB = 0, TJPF_CMYK = 11;
    const int TJCS_CMYK = 3, TJCS_YCCK = 4;
    const int TJSAMP_444 = 0;
    const int TJFLAG_ACCURATEDCT = 4096;

    [LibraryImport(Library)] private static partial nint tjInitDecompress();
    [LibraryImport(Library)] private static partial nint tjInitCompress();
    [LibraryImport(Library)] private static partial int tjDestroy(nint handle);
    [LibraryImport(Library)] private static unsafe partial int tjDecompressHeader3(Decompressor handle, byte* jpegBuf, nuint jpegSize,
        out int width, out int height, out int jpegSubsamp, out int jpegColorspace);
    [LibraryImport(Library)] private static unsafe partial int tjDecompress2(Decompressor handle, byte* jpegBuf, nuint jpegSize,
        byte* dstBuf, int width, int pitch, int height, int pixelFormat, int flags);
    [LibraryImport(Library)] private static unsafe partial int tjCompress2(nint handle, byte* srcBuf, int width, int pitch, int height,
        int pixelFormat, byte** jpegBuf, nuint* jpegSize, int jpegSubsamp, int jpegQual, int flags);
    [LibraryImport(Library)] private static unsafe partial void tjFree(byte* buffer);
    // The message belongs to the handle (or to the thread, for handle 0): read it, never free it.
    [LibraryImport(Library)] private static partial nint tjGetErrorStr2(Decompressor handle);
    [LibraryImport(Library)] private static partial nint tjGetErrorStr2(nint handle);
}
