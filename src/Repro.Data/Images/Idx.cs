using System.Buffers.Binary;
using System.IO.Compression;

namespace Repro.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed: a 4-byte magic number
/// (0, 0, element type 0x08 = unsigned byte, number of dimensions), one big-endian int32 per
/// dimension, then the elements. Images are 0x00000803 (count, rows, columns), labels 0x00000801.
/// </summary>
public static class Idx
{
    public const int ImagesMagic = 0x00000803, LabelsMagic = 0x00000801;

    /// <summary>The dimensions and the elements of an unsigned-byte IDX file, checked against its own header.</summary>
    public static (int[] dims, byte[] data) Read(string path, int expectedMagic)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found (IDX file)");
        byte[] bytes;
        try
        {
            bytes = ReadMaybeGzip(path);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"a damaged gzip file: {e.Message}", e);
        }
        if (bytes.Length < 4) throw new DataFormatException(path, $"{bytes.Length} bytes: too short for an IDX header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
            throw new DataFormatException(path, $"magic number 0x{magic:x8}, expected 0x{expectedMagic:x8} ({(expectedMagic == ImagesMagic ? "images" : "labels")}, unsigned bytes)");
        int ndims = magic & 0xff, headerBytes = 4 + 4 * ndims;
        if (bytes.Length < headerBytes) throw new DataFormatException(path, $"{bytes.Length} bytes: header of {ndims} dimensions is cut short");
        var dims = new int[ndims];
        long elements = 1;
        for (int d = 0; d < ndims; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (dims[d] <= 0) throw new DataFormatException(path, $"dimension {d} is {dims[d]}");
            elements *= dims[d];
        }
        if (bytes.Length - headerBytes != elements)
            throw new DataFormatException(path, $"header promises {string.Join(" x ", dims)} = {elements:N0} bytes of data, the file has {bytes.Length - headerBytes:N0}");
        return (dims, bytes[headerBytes..]);
    }

    static byte[] ReadMaybeGzip(string path)
    {
        using var file = File.OpenRead(path);
        bool gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        using var input = gzip ? (Stream)new GZipStream(file, CompressionMode.Decompress) : file;
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        if (gzip)
        {
            // A cut gzip stream ends early without an error; its last 4 bytes (the trailer's length
            // of the whole, mod 2^32) then disagree with what came out. (The IDX files are one gzip
            // member each; the trailer of a concatenation would count its last member only.)
            if (file.Length < 18) throw new DataFormatException(path, $"a damaged or truncated gzip file: {file.Length} bytes, less than a gzip header and trailer");
            Span<byte> trailer = stackalloc byte[4];
            file.Position = file.Length - 4;
            file.ReadExactly(trailer);
            uint promised = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            if (promised != (uint)buffer.Length)
                throw new DataFormatException(path, $"a damaged or truncated gzip file: it decompresses to {buffer.Length:N0} bytes, its trailer says {promised:N0}");
        }
        return buffer.ToArray();
    }

    /// <summary>Images file plus labels file as an ImageSet (1 channel); counts must agree.</summary>
    public static ImageSet ReadImageSet(string imagesPath, string labelsPath, int classes)
    {
        var (imageDims, pixels) = Read(imagesPath, ImagesMagic);
        var (labelDims, labelBytes) = Read(labelsPath, LabelsMagic);
        if (imageDims.Length != 3) throw new DataFormatException(imagesPath, $"{imageDims.Length} dimensions, images have 3 (count, rows, columns)");
        if (labelDims.Length != 1) throw new DataFormatException(labelsPath, $"{labelDims.Length} dimensions, labels have 1");
        if (imageDims[0] != labelDims[0])
            throw new DataFormatException(labelsPath, $"{labelDims[0]:N0} labels for {imageDims[0]:N0} images in {imagesPath}");
        var labels = new int[labelBytes.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labelBytes[i] >= classes) throw new DataFormatException(labelsPath, $"label {i} is {labelBytes[i]}; labels are 0-{classes - 1}");
            labels[i] = labelBytes[i];
        }
        return new ImageSet(pixels, labels, 1, imageDims[1], imageDims[2], classes, imagesPath);
    }
}
